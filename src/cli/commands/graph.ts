// hk graph: the resource graph (config and state together) as DOT.
import { loadConfig } from "../../config/load.js";
import { buildResourceGraph, toDot, transitiveReduction } from "../../engine/graph-build.js";
import { emptyState } from "../../engine/state.js";
import { paths, type GlobalOptions } from "../options.js";
import { readStateForDisplay } from "../read-state.js";
import { openTarget } from "../session.js";

export default async function graph(opts: GlobalOptions & { full: boolean }): Promise<number> {
  const where = paths(opts);
  const loaded = await loadConfig(where.config);
  const target = await openTarget(loaded, opts, false);
  try {
    const state = (await readStateForDisplay(where.state)) ?? emptyState("-", target.stack.name, "-");
    const g = buildResourceGraph(target.stack.resources, state);
    const shown = opts.full ? g : transitiveReduction(g);
    if (opts.json) {
      const edges = shown.edges().sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : 1));
      process.stdout.write(JSON.stringify({ nodes: [...shown.nodes()].sort(), edges: edges.map(([from, to]) => ({ from, to })) }) + "\n");
    } else process.stdout.write(toDot(shown, target.stack.name));
    return 0;
  } finally {
    await target.close();
  }
}
