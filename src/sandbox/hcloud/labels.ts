// Labels and label selectors with the API's rules: key = optional DNS-subdomain prefix + "/" + name,
// values empty or alnum-bounded, "hetzner.cloud/" reserved; selectors support every documented operator.
import { invalidInput } from "./errors.js";

export type Labels = Record<string, string>;

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (!NAME.test(name)) return `label key '${key}' has an invalid name segment`;
  if (prefix !== undefined) {
    if (prefix.length > 253 || !prefix.split(".").every((l) => DNS_LABEL.test(l))) {
      return `label key '${key}' has an invalid prefix`;
    }
    if (prefix === "hetzner.cloud" || prefix.endsWith(".hetzner.cloud")) return `label key prefix '${prefix}/' is reserved`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  return value === "" || NAME.test(value) ? undefined : `label value '${value}' is invalid`;
}

/** Validates a request's `labels` field (undefined allowed) and returns it, or throws invalid_input. */
export function parseLabels(value: unknown, field = "labels"): Labels | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalidInput({ [field]: ["must be an object"] });
  const problems: string[] = [];
  const out: Labels = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") {
      problems.push(`label value of '${k}' must be a string`);
      continue;
    }
    const p = labelKeyProblem(k) ?? labelValueProblem(v);
    if (p) problems.push(p);
    out[k] = v;
  }
  if (problems.length > 0) throw invalidInput({ [field]: problems });
  return out;
}

export type Requirement =
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "exists" | "absent"; key: string }
  | { op: "in" | "notin"; key: string; values: string[] };

/** Splits on commas that are not inside parentheses ("a in (x,y),b" has two terms). */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(cur);
      cur = "";
    } else cur += ch;
  }
  terms.push(cur);
  return terms.map((t) => t.trim());
}

const SET_TERM = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;

function parseTerm(term: string): Requirement | undefined {
  const set = SET_TERM.exec(term);
  if (set) {
    const values = (set[3] ?? "").split(",").map((v) => v.trim());
    return { op: set[2] === "in" ? "in" : "notin", key: set[1] ?? "", values };
  }
  const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(term);
  if (cmp) {
    return { op: cmp[2] === "!=" ? "neq" : "eq", key: cmp[1] ?? "", value: cmp[3] ?? "" };
  }
  if (/^![^!=\s(),]+$/.test(term)) return { op: "absent", key: term.slice(1) };
  if (/^[^!=\s(),]+$/.test(term)) return { op: "exists", key: term };
  return undefined;
}

/** Parses a selector, throwing invalid_input on syntax errors; field names the query or body field. */
export function parseSelector(selector: string, field = "label_selector"): Requirement[] {
  if (selector.trim() === "") return [];
  const reqs: Requirement[] = [];
  for (const term of splitTerms(selector)) {
    const req = parseTerm(term);
    const values = req?.op === "eq" || req?.op === "neq" ? [req.value] : req?.op === "in" || req?.op === "notin" ? req.values : [];
    const problem = req ? (labelKeyProblem(req.key) ?? values.map(labelValueProblem).find(Boolean)) : undefined;
    if (!req || problem) throw invalidInput({ [field]: [`invalid label selector term '${term}'`] });
    reqs.push(req);
  }
  return reqs;
}

export function matches(reqs: readonly Requirement[], labels: Labels): boolean {
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "eq":
        return has && v === r.value;
      case "neq":
        return !has || v !== r.value;
      case "exists":
        return has;
      case "absent":
        return !has;
      case "in":
        return has && r.values.includes(v ?? "");
      case "notin":
        return !has || !r.values.includes(v ?? "");
    }
  });
}

/** True when `selector` (already validated) matches the labels. */
export function selectorMatches(selector: string, labels: Labels): boolean {
  return matches(parseSelector(selector), labels);
}
