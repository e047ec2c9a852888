// Small pieces the simulated controllers share: owner references, label selectors as list
// queries, conditions that keep their transition time, the hashes and name suffixes the real
// controllers derive (pod-template-hash, controller-revision-hash), and status writes that skip
// a write when nothing changed (so a controller never wakes itself up forever).
import { deepEqual, nowRfc3339 } from "../objects.js";
import type { ClusterApi, KubeObject, OwnerReference } from "../types.js";

export const MANAGER = "kube-controller-manager";
export type Obj = Record<string, unknown>;

export function asObj(value: unknown): Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

export function asArray(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(asObj) : [];
}

export function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export const now = (): string => nowRfc3339();

/** The controller reference a dependent of `owner` carries (`controller: true`, blocking deletion). */
export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid);
}

/** A metav1.LabelSelector as the `labelSelector` query string the apiserver parses. */
export function selectorString(selector: unknown): string {
  const sel = asObj(selector);
  const parts = Object.entries(asObj(sel.matchLabels))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`);
  for (const e of asArray(sel.matchExpressions)) {
    const key = str(e.key) ?? "";
    const values = (Array.isArray(e.values) ? e.values : []).map(String).join(",");
    if (e.operator === "In") parts.push(`${key} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${key} notin (${values})`);
    else if (e.operator === "Exists") parts.push(key);
    else if (e.operator === "DoesNotExist") parts.push(`!${key}`);
  }
  return parts.join(",");
}

/** A map selector (Service.spec.selector, nodeSelector) as a query string. */
export function mapSelectorString(map: unknown): string {
  return selectorString({ matchLabels: map });
}

export function labelsMatch(map: unknown, labels: Record<string, string> | undefined): boolean {
  return Object.entries(asObj(map)).every(([k, v]) => labels?.[k] === v);
}

/** Condition `next` in `conditions`: lastTransitionTime kept while the status stays the same. */
export function setCondition(conditions: Obj[], next: Obj, time = now()): Obj[] {
  const old = conditions.find((c) => c.type === next.type);
  if (old && old.status === next.status && old.reason === next.reason && old.message === next.message) return conditions;
  const transition = old && old.status === next.status ? old.lastTransitionTime : time;
  const merged = { ...next, lastTransitionTime: transition };
  return old ? conditions.map((c) => (c === old ? merged : c)) : [...conditions, merged];
}

/** 32-bit FNV-1a, the hash family the real controllers use for template hashes. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** k8s.io/apimachinery's rand.SafeEncodeString: no vowels, no look-alike characters. */
export function safeEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += ALPHANUMS[text.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Obj).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** pod-template-hash / controller-revision-hash of a template (deterministic, ~10 characters). */
export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(String(fnv32a(stableJson(template) + (collisionCount > 0 ? `#${collisionCount}` : ""))));
}

/** The five-character suffix of a generated name, derived from `seed` so runs repeat exactly. */
export function suffix(seed: string): string {
  return safeEncode(String(fnv32a(seed)).padStart(5, "7")).slice(-5);
}

/** `prefix` + a suffix no object in `taken` has yet. */
export function freshName(prefix: string, seed: string, taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    const name = `${prefix}${suffix(`${seed}#${i}`)}`;
    if (!taken(name)) return name;
  }
}

/** Writes `status` through the status subresource unless it is what the object already says. */
export function writeStatus(api: ClusterApi, obj: KubeObject, status: Obj, manager = MANAGER): KubeObject {
  if (deepEqual(obj.status, status)) return obj;
  return api.update({ ...obj, status }, manager, { subresource: "status" });
}

/** Writes the main resource if `next` differs from `obj` (resourceVersion guards the race). */
export function writeObject(api: ClusterApi, obj: KubeObject, next: KubeObject, manager = MANAGER): KubeObject {
  if (deepEqual(obj, next)) return obj;
  return api.update(next, manager);
}

/** Pods (or any kind) in `namespace` selected by `selector` and controlled by `owner`. */
export function ownedBy(api: ClusterApi, apiVersion: string, kind: string, owner: KubeObject, selector: string): KubeObject[] {
  return api.list(apiVersion, kind, owner.metadata.namespace, selector).filter((o) => isControlledBy(o, owner));
}

export function byName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}
