// The resource graph, built in named steps: config → state → cycle check, and for display a
// transitive reduction. Edges point from a dependency to the resource that needs it.
import type { ResourceDecl } from "./declaration.js";
import { AbortError } from "./errors.js";
import { DepGraph } from "./graph.js";
import type { StateData } from "./state.js";
import { collectRefs } from "./values.js";

/** Dependencies of a declaration: every resource its inputs reference, plus dependsOn. */
export function declDependencies(decl: ResourceDecl): string[] {
  const deps = new Set<string>(collectRefs(decl.inputs).map((r) => r.$ref));
  for (const d of decl.dependsOn ?? []) deps.add(d);
  for (const d of decl.dependsOnToCreate ?? []) deps.add(d);
  deps.delete(decl.address);
  return [...deps].sort();
}

/** Step 1: a node per declared resource, an edge per reference or dependsOn. Unknown targets are errors. */
export function addConfigResources(graph: DepGraph, decls: readonly ResourceDecl[]): void {
  const known = new Set(decls.map((d) => d.address));
  for (const d of decls) graph.addNode(d.address);
  for (const d of decls) {
    for (const dep of declDependencies(d)) {
      if (!known.has(dep)) {
        throw new AbortError(`${d.address} depends on ${dep}, which the config does not declare`, "fix the reference or dependsOn entry");
      }
      graph.addEdge(dep, d.address);
    }
  }
}

/** Step 2: resources only the state knows (removed from the config) with the dependencies recorded when they were made. */
export function addStateResources(graph: DepGraph, state: StateData, declared: ReadonlySet<string>): void {
  for (const r of state.resources) graph.addNode(r.address);
  for (const r of state.resources) {
    if (declared.has(r.address)) continue;
    for (const dep of r.dependencies) if (graph.hasNode(dep)) graph.addEdge(dep, r.address);
  }
}

/** The full resource graph for a config and a state, checked for cycles. */
export function buildResourceGraph(decls: readonly ResourceDecl[], state: StateData): DepGraph {
  const graph = new DepGraph();
  addConfigResources(graph, decls);
  addStateResources(graph, state, new Set(decls.map((d) => d.address)));
  graph.assertAcyclic("the resource graph");
  return graph;
}

/** Drop every edge implied by a longer path, for a readable picture. O(V·E); fine for display. */
export function transitiveReduction(graph: DepGraph): DepGraph {
  const out = new DepGraph();
  for (const n of graph.nodes()) out.addNode(n);
  for (const [a, b] of graph.edges()) {
    const viaOther = graph.after(a).some((m) => m !== b && graph.descendants([m]).has(b));
    if (!viaOther) out.addEdge(a, b);
  }
  return out;
}

/** DOT text of the graph, dependencies pointing at what needs them, sorted for stable output. */
export function toDot(graph: DepGraph, name = "hk"): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [`digraph ${q(name)} {`, "  rankdir = LR;", '  node [shape = box, fontname = "monospace"];'];
  for (const n of [...graph.nodes()].sort()) lines.push(`  ${q(n)};`);
  const edges = graph.edges().sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : 1));
  for (const [a, b] of edges) lines.push(`  ${q(a)} -> ${q(b)};`);
  lines.push("}");
  return lines.join("\n") + "\n";
}
