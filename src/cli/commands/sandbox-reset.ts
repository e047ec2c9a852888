// hk sandbox reset: empty the sandbox world, and the sandbox state that described it.
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { statePaths } from "../../engine/state-file.js";
import { paths } from "../options.js";

export default async function reset(opts: { config: string; dir?: string }): Promise<number> {
  const where = paths({ config: opts.config, sandbox: true, color: false, json: false });
  const dir = opts.dir ? resolve(opts.dir) : where.sandboxDir;
  const { resetSandbox } = await import("../../sandbox/world.js");
  await resetSandbox(dir);
  if (!opts.dir) {
    const sp = statePaths(where.state);
    for (const f of [sp.state, sp.secrets, sp.backup, `${sp.secrets}.backup`]) await rm(f, { force: true });
  }
  process.stdout.write(`Emptied the sandbox world in ${dir}.\n`);
  return 0;
}
