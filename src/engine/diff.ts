// Attribute-level differences between observed and desired inputs. Objects are compared key by
// key; arrays of equal length element by element, otherwise as a whole; unknown values always differ.
import type { Change } from "./resource.js";
import { canonicalJson, isEphemeral, isUnknown, type Json } from "./values.js";

export interface DiffOptions {
  replaceOn?: readonly string[] | undefined;
  ignore?: readonly string[] | undefined;
}

/** True when `path` is `prefix` or lies below it (`a.b` is under `a`, `ab` is not). */
export function pathUnder(path: string, prefix: string): boolean {
  return prefix === "" || path === prefix || path.startsWith(prefix + ".");
}

export function diffValues(before: unknown, after: unknown, opts: DiffOptions = {}): Change[] {
  const out: Change[] = [];
  walk(before, after, "", out);
  return out
    .filter((c) => !(opts.ignore ?? []).some((p) => pathUnder(c.path, p)))
    .map((c) => ({ ...c, forcesReplacement: (opts.replaceOn ?? []).some((p) => pathUnder(c.path, p) || pathUnder(p, c.path)) }));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isUnknown(v) && !isEphemeral(v);
}

function walk(before: unknown, after: unknown, path: string, out: Change[]): void {
  if (isEphemeral(before) || isEphemeral(after)) return;
  if (isUnknown(after)) {
    out.push({ path, before: before as Json | undefined, after, forcesReplacement: false });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const k of [...keys].sort()) walk(before[k], after[k], path === "" ? k : `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => walk(b, after[i], path === "" ? String(i) : `${path}.${i}`, out));
    return;
  }
  if (before === undefined && after === undefined) return;
  if (canonicalJson(before) !== canonicalJson(after)) out.push({ path, before: before as Json | undefined, after, forcesReplacement: false });
}
