// The apply graph: each plan entry becomes one or two operations (a replace is a create and a
// delete), ordered so that what a resource needs exists before it and is deleted after it.
import type { Registry } from "./resource.js";
import { DepGraph } from "./graph.js";
import { BugError } from "./errors.js";
import { entryKey, type PlanEntry } from "./plan.js";
import type { Operation } from "./events.js";

export interface Op {
  id: string;
  entry: PlanEntry;
  operation: Operation;
  /** The delete that ends a temporary resource's life: it becomes dormant, not forgotten. */
  retire?: boolean;
}

export function buildApplyGraph(entries: readonly PlanEntry[], registry: Registry): { graph: DepGraph; ops: Map<string, Op> } {
  const graph = new DepGraph();
  const ops = new Map<string, Op>();
  const forward = new Map<string, string>();
  const del = new Map<string, string>();
  const add = (op: Op) => {
    ops.set(op.id, op);
    graph.addNode(op.id);
    return op.id;
  };
  for (const e of entries) {
    const k = entryKey(e);
    if (e.action === "create" || e.action === "replace") forward.set(k, add({ id: `create ${k}`, entry: e, operation: "create" }));
    if (e.action === "update") forward.set(k, add({ id: `update ${k}`, entry: e, operation: "update" }));
    if (e.action === "read") forward.set(k, add({ id: `read ${k}`, entry: e, operation: "read" }));
    if (e.action === "delete" || e.action === "replace") del.set(k, add({ id: `delete ${k}`, entry: e, operation: "delete" }));
    if (e.temporary && e.action !== "delete") del.set(k, add({ id: `retire ${k}`, entry: e, operation: "delete", retire: true }));
  }
  const byDependency = new Map<string, PlanEntry[]>();
  for (const z of entries)
    for (const dep of z.dependencies) {
      const list = byDependency.get(dep);
      if (list) list.push(z);
      else byDependency.set(dep, [z]);
    }
  const dependents = (address: string) => byDependency.get(address) ?? [];
  for (const e of entries) {
    const k = entryKey(e);
    const f = forward.get(k);
    // What a resource needs is created or changed before it.
    if (f) for (const dep of e.dependencies) {
      const fd = forward.get(dep);
      if (fd) graph.addEdge(fd, f);
    }
    const d = del.get(k);
    if (!d) continue;
    for (const z of dependents(e.address)) {
      const zk = entryKey(z);
      const zd = del.get(zk);
      const zf = forward.get(zk);
      // Dependents are deleted before what they depend on...
      if (zd && zd !== d) graph.addEdge(zd, d);
      // ...and move to a replacement (or finish using a temporary resource) before the old one goes.
      if (zf && (e.replaceOrder === "create-before-destroy" || e.temporary || e.action === "delete")) graph.addEdge(zf, d);
    }
    if (e.action === "replace" && f) {
      if (e.replaceOrder === "create-before-destroy") graph.addEdge(f, d);
      else graph.addEdge(d, f);
    }
    if (e.temporary && f) for (const z of dependents(e.address)) {
      for (const n of [forward.get(entryKey(z)), del.get(entryKey(z))]) if (n) graph.addEdge(f, n);
    }
  }
  orderLeftovers(entries, registry, del, graph);
  try {
    graph.assertAcyclic("the apply graph");
  } catch (err) {
    throw new BugError(`hk built an apply graph with a cycle: ${(err as Error).message}`);
  }
  return { graph, ops };
}

/** The sweep runs last, and among leftovers a type waits for the types it must follow. */
function orderLeftovers(entries: readonly PlanEntry[], registry: Registry, del: Map<string, string>, graph: DepGraph): void {
  const leftovers = entries.filter((e) => e.leftover);
  if (leftovers.length === 0) return;
  const others = entries.filter((e) => !e.leftover && !e.temporary && del.has(entryKey(e)));
  for (const l of leftovers) {
    const ld = del.get(entryKey(l)) as string;
    for (const o of others) graph.addEdge(del.get(entryKey(o)) as string, ld);
    if (l.deleteAfter) {
      for (const address of l.deleteAfter) {
        const m = leftovers.find((x) => x.address === address);
        if (m) graph.addEdge(del.get(entryKey(m)) as string, ld);
      }
      continue;
    }
    for (const before of registry.get(l.type)?.deleteAfter ?? [])
      for (const m of leftovers) if (m.type === before) graph.addEdge(del.get(entryKey(m)) as string, ld);
  }
}
