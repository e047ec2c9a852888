// Small helpers over objects: timestamps, generated names, deep equality ignoring key order, and
// the part of an object that counts for metadata.generation.
import { randomInt } from "node:crypto";
import type { KindInfo, KubeObject } from "./types.js";

/** RFC 3339 seconds, as the apiserver writes timestamps. */
export function nowRfc3339(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

/** generateName's suffix: five characters from the apiserver's alphabet. */
export function generatedName(prefix: string): string {
  let s = prefix;
  for (let i = 0; i < 5; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return s;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Everything that bumps generation: all but metadata (and status, behind a status subresource). */
export function generationPart(obj: KubeObject, kind: KindInfo): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...obj };
  delete rest.metadata;
  delete rest.apiVersion;
  delete rest.kind;
  if (kind.subresources.status || kind.builtin) delete rest.status;
  return rest;
}

/** The object as the write would leave it, minus what changes on every write (RV, field times). */
export function comparable(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, managedFields, ...meta } = obj.metadata;
  void _rv;
  return {
    ...obj,
    metadata: { ...meta, ...(managedFields ? { managedFields: managedFields.map((m) => ({ ...m, time: "" })) } : {}) },
  };
}

/** The object in the version a client asked for (CRD versions share storage; no conversion). */
export function asVersion(obj: KubeObject, apiVersion: string): KubeObject {
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** Reads `.spec.replicas`-style paths of a scale subresource. */
export function readPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const f of path.replace(/^\./, "").split(".")) cur = cur === null || typeof cur !== "object" ? undefined : (cur as Record<string, unknown>)[f];
  return cur;
}

/** A copy of `obj` with `path` set to `value` (intermediate objects created). */
export function writePath<T>(obj: T, path: string, value: unknown): T {
  const fields = path.replace(/^\./, "").split(".");
  const root = structuredClone(obj) as Record<string, unknown>;
  let cur = root;
  fields.forEach((f, i) => {
    if (i === fields.length - 1) cur[f] = value;
    else {
      const next = cur[f];
      cur = cur[f] = next !== null && typeof next === "object" ? (next as Record<string, unknown>) : {};
    }
  });
  return root as T;
}
