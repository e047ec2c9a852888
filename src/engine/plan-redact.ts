// Plans carry no secrets: values at a type's sensitive input paths become "(sensitive)", and
// inputs that will come from a temporary resource show as known only during apply.
import { pathUnder } from "./diff.js";
import type { DriftEntry, PlanEntry } from "./plan.js";
import type { Change, Registry } from "./resource.js";
import { getPath, isEphemeral, replaceNodes, setPath, type Json } from "./values.js";

export const SENSITIVE = "(sensitive)";

function redactObject(value: unknown, paths: readonly string[]): unknown {
  let out = value;
  for (const p of paths) if (getPath(out, p) !== undefined) out = setPath(out, p, SENSITIVE);
  return showEphemeral(out);
}

function showEphemeral(value: unknown): unknown {
  return replaceNodes(value, (node) => (isEphemeral(node) ? { with: { $unknown: `during apply, from temporary ${node.$ephemeral}` } } : undefined));
}

function redactChanges(changes: readonly Change[], paths: readonly string[]): Change[] {
  return changes.map((c) => {
    if (!paths.some((p) => pathUnder(c.path, p) || pathUnder(p, c.path))) return c;
    return {
      ...c,
      before: c.before === undefined ? undefined : SENSITIVE,
      after: c.after === undefined ? undefined : SENSITIVE,
    };
  });
}

/** `extra`: input paths secret for this resource alone (fed from sensitive outputs). */
export function redactEntry(entry: PlanEntry, registry: Registry, extra: readonly string[] = []): PlanEntry {
  const paths = [...(registry.get(entry.type)?.sensitive?.inputs ?? []), ...extra];
  const out: PlanEntry = { ...entry, changes: redactChanges(entry.changes, paths) };
  if (entry.before !== undefined) out.before = redactObject(entry.before, paths) as Json;
  if (entry.after !== undefined) out.after = redactObject(entry.after, paths);
  return out;
}

export function redactDrift(d: DriftEntry, type: string, registry: Registry, extra: readonly string[] = []): DriftEntry {
  return { ...d, changes: redactChanges(d.changes, [...(registry.get(type)?.sensitive?.inputs ?? []), ...extra]) };
}

