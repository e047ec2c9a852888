// hk state show ADDR: one object's record, with secrets shown as (sensitive).
import { AbortError } from "../../engine/errors.js";
import { SENSITIVE } from "../../engine/plan-redact.js";
import { isSecretMarker } from "../../engine/secrets.js";
import { replaceNodes } from "../../engine/values.js";
import { stringify } from "yaml";
import { paths, type GlobalOptions } from "../options.js";
import { noStateError, readStateForDisplay } from "../read-state.js";

export default async function stateShow(address: string, opts: GlobalOptions): Promise<number> {
  const file = paths(opts).state;
  // Secrets stay in their sidecar and show as (sensitive).
  const state = await readStateForDisplay(file);
  if (!state) throw noStateError(opts, `hk state show ${address}`);
  const found = state.resources.filter((r) => r.address === address);
  if (found.length === 0) {
    const known = [...new Set(state.resources.map((r) => r.address))].sort();
    throw new AbortError(`${address}: not in the state ${file}`, known.length > 0 ? `addresses in the state: ${known.join(", ")}` : "the state holds no resources");
  }
  const hide = (v: unknown) => replaceNodes(v, (node) => (isSecretMarker(node) ? { with: SENSITIVE } : undefined));
  for (const r of found) {
    if (opts.json) process.stdout.write(JSON.stringify(hide(r)) + "\n");
    else process.stdout.write(`# ${r.address}${r.status === "created" ? "" : ` (${r.status})`}\n${stringify(hide(r))}`);
  }
  return 0;
}
