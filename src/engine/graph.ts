// The one module that touches graphlib: a directed graph of string ids where an edge a → b means
// "a happens before b". Everything else in the engine goes through this wrapper.
import { Graph, alg } from "@dagrejs/graphlib";
import { AbortError } from "./errors.js";

export class DepGraph {
  private readonly g = new Graph({ directed: true });

  addNode(id: string): void {
    if (!this.g.hasNode(id)) this.g.setNode(id);
  }

  hasNode(id: string): boolean {
    return this.g.hasNode(id);
  }

  /** `before` must finish before `after` starts. */
  addEdge(before: string, after: string): void {
    this.g.setEdge(before, after);
  }

  nodes(): string[] {
    return this.g.nodes();
  }

  edges(): Array<[string, string]> {
    return this.g.edges().map((e) => [e.v, e.w]);
  }

  /** Ids that must come before `id`. */
  before(id: string): string[] {
    return this.g.predecessors(id) ?? [];
  }

  /** Ids that must come after `id`. */
  after(id: string): string[] {
    return this.g.successors(id) ?? [];
  }

  /** Throws an AbortError naming every cycle (`a → b → a`) when the graph has one. */
  assertAcyclic(what: string): void {
    if (alg.isAcyclic(this.g)) return;
    const cycles = alg.findCycles(this.g).map((c) => {
      // findCycles lists each cycle's members in reverse edge order; print them in edge order.
      const ordered = orderCycle(this, c);
      return [...ordered, ordered[0]].join(" → ");
    });
    throw new AbortError(`${what} has a dependency cycle: ${cycles.join("; ")}`, "break the cycle by removing one of these references or dependsOn entries");
  }

  /** Every id reachable from `start` following edges backwards (its transitive prerequisites). */
  ancestors(start: Iterable<string>): Set<string> {
    return this.reach(start, (id) => this.before(id));
  }

  /** Every id reachable from `start` following edges forwards (its transitive dependents). */
  descendants(start: Iterable<string>): Set<string> {
    return this.reach(start, (id) => this.after(id));
  }

  /** Ids in an order where every edge points forward; ties keep insertion order. */
  topological(): string[] {
    return alg.topsort(this.g);
  }

  private reach(start: Iterable<string>, next: (id: string) => string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const n of next(id)) if (!seen.has(n)) stack.push(n);
    }
    return seen;
  }
}

function orderCycle(graph: DepGraph, members: string[]): string[] {
  const set = new Set(members);
  const first = [...members].sort()[0] as string;
  const out = [first];
  let cur = first;
  while (out.length < members.length) {
    const next = graph.after(cur).find((n) => set.has(n) && !out.includes(n));
    if (next === undefined) break;
    out.push(next);
    cur = next;
  }
  return out;
}
