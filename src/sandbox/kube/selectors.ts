// Label and field selectors as the apiserver parses them. Commas mean AND. A selector that does not
// parse is a 400 BadRequest, an unsupported field label a 400 `field label not supported: X`.
import { StatusError } from "./status.js";
import type { KubeObject } from "./types.js";

export type Matcher = (obj: KubeObject) => boolean;

type Requirement =
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "exists" | "notexists"; key: string };

const KEY = /^(([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function bad(selector: string, why: string): StatusError {
  return new StatusError(400, "BadRequest", `unable to parse requirement: ${why} in "${selector}"`);
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function checkKey(selector: string, key: string): string {
  if (!KEY.test(key) || key.length > 316) throw bad(selector, `invalid label key "${key}"`);
  return key;
}

function checkValue(selector: string, value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw bad(selector, `invalid label value: "${value}"`);
  return value;
}

function parseRequirement(selector: string, raw: string): Requirement {
  const part = raw.trim();
  if (part === "") throw bad(selector, "found '', expected: identifier");
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = (set[3] ?? "").split(",").map((v) => checkValue(selector, v.trim()));
    return { op: set[2] === "in" ? "in" : "notin", key: checkKey(selector, set[1] ?? ""), values };
  }
  if (part.startsWith("!")) return { op: "notexists", key: checkKey(selector, part.slice(1).trim()) };
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (cmp) {
    const value = checkValue(selector, (cmp[3] ?? "").trim());
    return { op: cmp[2] === "!=" ? "neq" : "eq", key: checkKey(selector, cmp[1] ?? ""), value };
  }
  return { op: "exists", key: checkKey(selector, part) };
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case "eq":
      return has && v === r.value;
    case "neq":
      return !has || v !== r.value;
    case "in":
      return has && r.values.includes(v ?? "");
    case "notin":
      return !has || !r.values.includes(v ?? "");
    case "exists":
      return has;
    case "notexists":
      return !has;
  }
}

/** A label selector (`a=b,c in (d,e),!f`); undefined or empty matches everything. */
export function labelMatcher(selector: string | undefined | null): Matcher | undefined {
  if (selector === undefined || selector === null || selector.trim() === "") return undefined;
  const reqs = splitTop(selector).map((p) => parseRequirement(selector, p));
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => matches(r, labels));
  };
}

/**
 * Field labels beyond metadata.name and metadata.namespace, per kind, as the apiserver registers
 * them (kubectl describe asks events by involvedObject, kubectl drain pods by spec.nodeName).
 */
const KIND_FIELDS: Record<string, string[]> = {
  "/Pod": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
  "/Event": ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
  "events.k8s.io/Event": ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "reason", "type"],
  "/Secret": ["type"],
  "/Node": ["spec.unschedulable"],
  "/Namespace": ["status.phase"],
  "apps/ReplicaSet": ["status.replicas"],
  "batch/Job": ["status.successful"],
};

function fieldValue(obj: KubeObject, field: string): string {
  if (field === "source") return String((obj.source as { component?: string } | undefined)?.component ?? "");
  let cur: unknown = obj;
  for (const f of field.split(".")) cur = cur === null || typeof cur !== "object" ? undefined : (cur as Record<string, unknown>)[f];
  return cur === undefined || cur === null ? "" : String(cur);
}

/** A field selector (`=`, `==`, `!=`) over metadata.name, metadata.namespace and the kind's own field labels. */
export function fieldMatcher(selector: string | undefined | null, kind?: { group: string; kind: string }): Matcher | undefined {
  if (selector === undefined || selector === null || selector.trim() === "") return undefined;
  const extra = kind ? (KIND_FIELDS[`${kind.group}/${kind.kind}`] ?? []) : [];
  const tests = splitTop(selector).map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new StatusError(400, "BadRequest", `invalid selector: '${selector}'; can't understand '${raw}'`);
    const [, field = "", op, value = ""] = m;
    if (field !== "metadata.name" && field !== "metadata.namespace" && !extra.includes(field)) throw new StatusError(400, "BadRequest", `field label not supported: ${field}`);
    const get = (o: KubeObject) => fieldValue(o, field);
    return op === "!=" ? (o: KubeObject) => get(o) !== value : (o: KubeObject) => get(o) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}

/** Both selectors of a request, joined; undefined when neither is given. */
export function requestMatcher(query: URLSearchParams, kind?: { group: string; kind: string }): Matcher | undefined {
  const l = labelMatcher(query.get("labelSelector"));
  const f = fieldMatcher(query.get("fieldSelector"), kind);
  if (l && f) return (o) => l(o) && f(o);
  return l ?? f;
}
