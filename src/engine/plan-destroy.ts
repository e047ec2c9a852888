// Destroy-mode planning: every object in the state goes (or, with --target, the targets and
// what depends on them), temporary resources come back just long enough to delete their
// dependents, and the sweep lists leftovers labelled for the stack.
import { declDependencies } from "./graph-build.js";
import type { DepGraph } from "./graph.js";
import type { PlanRequest } from "./plan-build.js";
import type { Discovered } from "./resource.js";
import { entryKey, type KeptEntry, type PlanEntry } from "./plan.js";
import type { StateData } from "./state.js";
import { stepContext } from "./step-context.js";

/** A delete entry for an object a type found (leftover or stray), at a free address `type.name[_n]`. */
export function foundEntry(type: string, f: Discovered, reason: string, taken: (address: string) => boolean): PlanEntry {
  let address = `${type}.${f.name}`;
  for (let n = 2; taken(address); n++) address = `${type}.${f.name}_${n}`;
  return { address, type, action: "delete", reason, leftover: true, id: f.id, before: f.inputs, changes: [], dependencies: [] };
}

/** Why an object found for the stack is not this state's to delete: another state's mark is on it. */
export function otherOwner(f: Discovered, lineage: string): string | undefined {
  if (f.lineage === undefined || f.lineage === lineage) return undefined;
  return `managed by another hk state (lineage ${f.lineage}), so hk leaves it; destroy it from that state`;
}

export async function planDestroyEntries(req: PlanRequest, working: StateData, graph: DepGraph, kept: KeptEntry[] = []): Promise<PlanEntry[]> {
  const decls = new Map(req.stack.resources.map((d) => [d.address, d]));
  const scope = req.targets.length > 0 ? graph.descendants(req.targets) : undefined;
  const entries = new Map<string, PlanEntry>();
  for (const r of working.resources) {
    if (r.status === "dormant" || r.id === null) continue;
    if (scope && !scope.has(r.address)) continue;
    const entry: PlanEntry = { address: r.address, type: r.type, action: "delete", id: r.id, before: r.inputs, changes: [], dependencies: r.dependencies };
    if (r.status === "deposed") entry.deposed = true;
    // The config decides for what it declares; the record for what has left it.
    const decl = decls.get(r.address);
    if (decl ? decl.lifecycle?.protect : r.lifecycle?.protect) entry.protect = true;
    if (r.lifecycle?.temporary) entry.temporary = true;
    entries.set(entryKey(entry), entry);
  }
  // Temporary resources that are not there now but are needed to delete what depends on them.
  const temporaries = new Set<string>([
    ...req.stack.resources.filter((d) => d.lifecycle?.temporary).map((d) => d.address),
    ...working.resources.filter((r) => r.status === "dormant").map((r) => r.address),
  ]);
  // A dependent whose type says it can be deleted without its temporaries (nothing left to do
  // through them) does not bring them back.
  const needs = (d: string): boolean => {
    const e = entries.get(d);
    if (!e) return false;
    const type = req.registry.get(e.type);
    const rec = working.resources.find((r) => r.address === d && r.status !== "dormant");
    return !(type?.deletesAlone && rec && type.deletesAlone({ id: rec.id ?? "", inputs: rec.inputs, outputs: rec.outputs ?? {} }));
  };
  // Dependents first, so a temporary needed only by another temporary is decided after it.
  const order = graph.topological().reverse().filter((a) => temporaries.has(a));
  for (const address of [...order, ...[...temporaries].filter((a) => !order.includes(a))]) {
    if (entries.has(address)) continue;
    const needed = graph.after(address).some(needs);
    if (!needed) continue;
    const decl = decls.get(address);
    const dormant = working.resources.find((r) => r.address === address && r.status === "dormant");
    const type = decl?.type ?? dormant?.type ?? "";
    const inputs = dormant?.inputs ?? (decl?.inputs as PlanEntry["after"]);
    entries.set(address, {
      address,
      type,
      action: "create",
      reason: "temporary: created to destroy what depends on it, deleted after",
      temporary: true,
      after: inputs,
      changes: [],
      dependencies: decl ? declDependencies(decl) : (dormant?.dependencies ?? []),
    });
  }
  if (!scope) {
    const known = new Set(working.resources.map((r) => r.id));
    const byObject = new Map<string, string>();
    const ties: Array<[PlanEntry, ReadonlyArray<{ type: string; id: string }>]> = [];
    // What a deleted object takes with it is its own, not a leftover: listed and priced once.
    const deleted = [...entries.values()].filter((e) => e.action === "delete");
    const takers = working.resources.filter((r) => r.id !== null && req.registry.get(r.type)?.deletesWith && deleted.some((e) => e.address === r.address && e.id === r.id));
    const taken = (type: string, f: Discovered) =>
      takers.some((r) => req.registry.get(r.type)?.deletesWith?.({ id: r.id ?? "", inputs: r.inputs, outputs: r.outputs ?? {} }, { type, inputs: f.inputs }));
    for (const type of req.registry.values()) {
      if (!type.discover) continue;
      const found = await type.discover(stepContext(req.bus, req.signal, `${type.type}.*`, "read"), req.stack.name);
      for (const f of found) {
        if (known.has(f.id) || taken(type.type, f)) continue;
        const entry = foundEntry(type.type, f, `leftover labelled for ${req.stack.name}`, (a) => entries.has(a) || kept.some((k) => k.address === a));
        const keep = f.keep ?? otherOwner(f, working.lineage);
        if (keep !== undefined) {
          kept.push({ address: entry.address, type: type.type, id: f.id, reason: keep });
          continue;
        }
        entries.set(entry.address, entry);
        byObject.set(`${type.type} ${f.id}`, entry.address);
        if (f.after) ties.push([entry, f.after]);
      }
    }
    // Per-object order where the type knows it: only what this object is tied to goes first.
    for (const [entry, after] of ties) entry.deleteAfter = after.flatMap((a) => byObject.get(`${a.type} ${a.id}`) ?? []);
  }
  return [...entries.values()];
}
