// Values that flow between resources: plain JSON, references to another resource's outputs, and
// the marker for a value that is only known once apply has run.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A reference to `outputs.<path>` of the resource at `address`; it makes `address` a dependency. */
export interface Ref {
  readonly $ref: string;
  readonly path: string;
}

/** Inputs as declared: JSON where any value may be a Ref. */
export type Declared = null | boolean | number | string | Ref | Declared[] | { [key: string]: Declared };

/** Planned value that is unknown until the referenced resource has been created. */
export interface Unknown {
  readonly $unknown: string;
}

/**
 * Stands in the state and the plan for an input that comes from a temporary resource: known only
 * while that resource exists during apply, never diffed, never stored.
 */
export interface Ephemeral {
  readonly $ephemeral: string;
}

export function isEphemeral(v: unknown): v is Ephemeral {
  return typeof v === "object" && v !== null && typeof (v as Ephemeral).$ephemeral === "string";
}

export type Planned = null | boolean | number | string | Unknown | Planned[] | { [key: string]: Planned };

export function ref(address: string, path: string): Ref {
  return { $ref: address, path };
}

export function isRef(v: unknown): v is Ref {
  return typeof v === "object" && v !== null && typeof (v as Ref).$ref === "string" && typeof (v as Ref).path === "string";
}

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === "object" && v !== null && typeof (v as Unknown).$unknown === "string";
}

export function unknown(reason: string): Unknown {
  return { $unknown: reason };
}

/**
 * A copy of `value` in which every node `replace` answers for (with `{ with: x }`) becomes x;
 * arrays and objects it does not answer for are walked. Paths are dotted (`rules.0.port`).
 * The one tree walk behind resolving references, showing markers and filling secrets.
 */
export function replaceNodes(value: unknown, replace: (node: unknown, path: string) => { with: unknown } | undefined, path = ""): unknown {
  const hit = replace(value, path);
  if (hit) return hit.with;
  const child = (k: string | number) => (path === "" ? String(k) : `${path}.${k}`);
  if (Array.isArray(value)) return value.map((v, i) => replaceNodes(v, replace, child(i)));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceNodes(v, replace, child(k));
    return out;
  }
  return value;
}

/** Dotted paths of every node matching `match`, depth first (matches are not looked inside). */
export function findPaths(value: unknown, match: (node: unknown) => boolean): string[] {
  const out: string[] = [];
  replaceNodes(value, (node, path) => {
    if (!match(node)) return undefined;
    out.push(path);
    return { with: node };
  });
  return out;
}

/** Every Ref inside a declared value, depth first. */
export function collectRefs(value: unknown): Ref[] {
  return refPaths(value).map((r) => r.ref);
}

/** Replace each Ref by what `resolve` returns for it; other values are kept as they are. */
export function mapRefs<T>(value: unknown, resolve: (r: Ref) => T): unknown {
  return replaceNodes(value, (node) => (isRef(node) ? { with: resolve(node) } : undefined));
}

/** True when the value holds an Unknown anywhere. */
export function hasUnknown(value: unknown): boolean {
  return findPaths(value, isUnknown).length > 0;
}

/** Read `a.b.0.c` out of a JSON value; undefined when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  if (path === "") return value;
  let cur: unknown = value;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Deterministic JSON: object keys sorted, so equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Where Refs stand inside a declared value: dotted path and the ref. */
export function refPaths(value: unknown): Array<{ path: string; ref: Ref }> {
  return findPaths(value, isRef).map((path) => ({ path, ref: getPath(value, path) as Ref }));
}

/** A copy of `obj` with the value at dotted `path` set (containers copied along the way). */
export function setPath(obj: unknown, path: string, value: unknown): unknown {
  if (path === "") return value;
  const [head, ...rest] = path.split(".");
  const key = head as string;
  const base = (typeof obj === "object" && obj !== null ? obj : {}) as Record<string, unknown>;
  const copy: Record<string, unknown> = Array.isArray(base) ? ([...base] as unknown as Record<string, unknown>) : { ...base };
  copy[key] = setPath(base[key], rest.join("."), value);
  return copy;
}
