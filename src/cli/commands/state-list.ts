// hk state list: one line per object in the state: address, id, and status when not plain.
import { paths, type GlobalOptions } from "../options.js";
import { noStateError, readStateForDisplay } from "../read-state.js";

export default async function stateList(opts: GlobalOptions): Promise<number> {
  const file = paths(opts).state;
  const state = await readStateForDisplay(file);
  // No file at all is most often a forgotten --sandbox or -c: say where hk looked.
  if (!state) throw noStateError(opts, "hk state list");
  const { resources } = state;
  if (opts.json) {
    process.stdout.write(JSON.stringify(resources.map((r) => ({ address: r.address, type: r.type, id: r.id, status: r.status }))) + "\n");
    return 0;
  }
  if (resources.length === 0) process.stderr.write(`No resources in the state ${file}.\n`);
  for (const r of [...resources].sort((a, b) => a.address.localeCompare(b.address))) {
    const status = r.status === "created" ? "" : `  (${r.status})`;
    process.stdout.write(`${r.address}  ${r.id ?? "-"}${status}\n`);
  }
  return 0;
}
