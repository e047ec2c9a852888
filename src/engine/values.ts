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

/** Every Ref inside a declared value, depth first. */
export function collectRefs(value: unknown, out: Ref[] = []): Ref[] {
  if (isRef(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectRefs(v, out);
  else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) collectRefs(v, out);
  return out;
}

/** Replace each Ref by what `resolve` returns for it; other values are kept as they are. */
export function mapRefs<T>(value: unknown, resolve: (r: Ref) => T): unknown {
  if (isRef(value)) return resolve(value);
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, resolve));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapRefs(v, resolve);
    return out;
  }
  return value;
}

/** True when the value holds an Unknown anywhere. */
export function hasUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasUnknown);
  return false;
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
export function refPaths(value: unknown, prefix = "", out: Array<{ path: string; ref: Ref }> = []): Array<{ path: string; ref: Ref }> {
  if (isRef(value)) out.push({ path: prefix, ref: value });
  else if (Array.isArray(value)) value.forEach((v, i) => refPaths(v, prefix === "" ? String(i) : `${prefix}.${i}`, out));
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) refPaths(v, prefix === "" ? k : `${prefix}.${k}`, out);
  return out;
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
