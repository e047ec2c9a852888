// hk show FILE: a saved plan (hk plan --out FILE) shown as hk plan showed it, to review before
// hk apply FILE, without the lock or the API. It says when the state has moved on since the plan
// was made, since apply would refuse the plan then.
import { loadPlan, planStateMismatch } from "../../engine/plan-file.js";
import { paths, type GlobalOptions } from "../options.js";
import { createOutput } from "../output.js";
import { readStateForDisplay } from "../read-state.js";

export default async function show(file: string, opts: GlobalOptions): Promise<number> {
  const plan = await loadPlan(file);
  const out = await createOutput(opts);
  if (opts.json) out.bus.emit({ type: "plan", plan });
  else await out.showPlan(plan);
  const state = await readStateForDisplay(paths(opts).state);
  const mismatch = planStateMismatch(plan, state ?? { lineage: "", serial: 0 });
  if (mismatch) out.bus.emit({ type: "diagnostic", severity: "warning", message: `${file}: ${mismatch}; hk apply ${file} would refuse it` });
  return 0;
}
