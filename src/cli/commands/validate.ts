// hk validate: load and check the config and list the resources it declares. Touches nothing.
import { loadConfig } from "../../config/load.js";
import { configWarnings } from "../../config/warnings.js";
import { buildResourceGraph } from "../../engine/graph-build.js";
import { checkStack } from "../../engine/plan-build.js";
import { emptyState } from "../../engine/state.js";
import { paths, type GlobalOptions } from "../options.js";
import { openTarget } from "../session.js";

export default async function validate(opts: GlobalOptions): Promise<number> {
  const loaded = await loadConfig(paths(opts).config);
  const target = await openTarget(loaded, opts, false);
  try {
    checkStack(target.stack, target.registry, [], []);
    const order = buildResourceGraph(target.stack.resources, emptyState("-", target.stack.name, "-")).topological();
    const warnings = loaded.kind === "cluster" ? configWarnings(loaded.config) : [];
    if (opts.json) {
      process.stdout.write(JSON.stringify({ config: loaded.path, valid: true, resources: order, warnings }) + "\n");
    } else {
      for (const w of warnings) process.stderr.write(`Warning: ${w}\n`);
      process.stdout.write(`${loaded.path}: valid; ${order.length} resources:\n${order.map((a) => `  ${a}`).join("\n")}\n`);
    }
    return 0;
  } finally {
    await target.close();
  }
}
