// hk output [NAME]: the stack's outputs as the last apply recorded them, read from the state
// without the lock (like state list). All of them: `name = value`, secrets as (sensitive). One by
// name: its bare value (a string as is, anything else as JSON) for scripts, secrets included:
// asking for it by name is the consent, as with `terraform output NAME`.
import { AbortError } from "../../engine/errors.js";
import { SENSITIVE } from "../../engine/plan-redact.js";
import { isSecretMarker } from "../../engine/secrets.js";
import { statePaths } from "../../engine/state-file.js";
import { replaceNodes } from "../../engine/values.js";
import { paths, useColor, type GlobalOptions } from "../options.js";
import { readStateForDisplay, readStateWithSecrets } from "../read-state.js";

export default async function output(name: string | undefined, opts: GlobalOptions): Promise<number> {
  const file = paths(opts).state;
  if (name === undefined) {
    const state = await readStateForDisplay(file);
    const outputs = (replaceNodes(state?.outputs ?? {}, (node) => (isSecretMarker(node) ? { with: SENSITIVE } : undefined)) ?? {}) as Record<string, unknown>;
    if (opts.json) {
      process.stdout.write(JSON.stringify(outputs) + "\n");
      return 0;
    }
    const names = Object.keys(outputs).sort();
    if (names.length === 0) {
      process.stderr.write(`No outputs: ${noOutputsReason(state, file)}.\n`);
      return 0;
    }
    const [{ valueLines }, { linesToText }] = await Promise.all([import("../../ui/plan-values.js"), import("../../ui/styled-lines.js")]);
    process.stdout.write(linesToText(names.flatMap((n) => valueLines(n, outputs[n], "", " = ")), useColor(opts)) + "\n");
    return 0;
  }
  // One value, secrets opened (HK_STATE_KEY when the sidecar is encrypted), a crashed run's journal included.
  const state = await readStateWithSecrets(file, process.env.HK_STATE_KEY);
  if (!state) throw new AbortError(`${file}: there is no state file yet`, "run hk apply first");
  if (!(name in state.outputs)) {
    const known = Object.keys(state.outputs).sort();
    throw new AbortError(`output ${name}: not in the state`, known.length > 0 ? `outputs: ${known.join(", ")}` : "the last apply recorded no outputs");
  }
  const value = state.outputs[name];
  if (isSecretMarker(value)) throw new AbortError(`output ${name}: its value is missing from ${statePaths(file).secrets}`, "run hk apply to record it again");
  process.stdout.write(typeof value === "string" && !opts.json ? (value.endsWith("\n") ? value : value + "\n") : JSON.stringify(value) + "\n");
  return 0;
}

/** Why there is nothing to show: no state yet, an empty stack (destroyed), or an apply that recorded none. */
function noOutputsReason(state: { resources: readonly unknown[] } | undefined, file: string): string {
  if (!state) return `${file} does not exist yet; run hk apply first`;
  if (state.resources.length === 0) return "the state holds no resources (the stack was destroyed, or never applied); hk apply creates them";
  return "the last apply recorded none";
}
