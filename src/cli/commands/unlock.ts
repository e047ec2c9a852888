// hk unlock ID: remove a lock by hand (e.g. held by an hk on another machine that is gone).
import { describeHolder, forceUnlock } from "../../engine/lock.js";
import { statePaths } from "../../engine/state-file.js";
import { paths, sameStateFlags, type GlobalOptions } from "../options.js";

export default async function unlock(id: string, opts: GlobalOptions & { force?: boolean }): Promise<number> {
  const holder = await forceUnlock(statePaths(paths(opts).state).lock, id, opts.force === true, sameStateFlags(opts));
  process.stdout.write(`Removed the lock held by ${describeHolder(holder)}.\n`);
  return 0;
}
