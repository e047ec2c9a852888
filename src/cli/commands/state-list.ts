// hk state list: one line per object in the state: address, id, and status when not plain.
import { paths, type GlobalOptions } from "../options.js";
import { readStateForDisplay } from "../read-state.js";

export default async function stateList(opts: GlobalOptions): Promise<number> {
  const resources = (await readStateForDisplay(paths(opts).state))?.resources ?? [];
  if (opts.json) {
    process.stdout.write(JSON.stringify(resources.map((r) => ({ address: r.address, type: r.type, id: r.id, status: r.status }))) + "\n");
    return 0;
  }
  for (const r of [...resources].sort((a, b) => a.address.localeCompare(b.address))) {
    const status = r.status === "created" ? "" : `  (${r.status})`;
    process.stdout.write(`${r.address}  ${r.id ?? "-"}${status}\n`);
  }
  return 0;
}
