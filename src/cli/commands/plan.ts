// hk plan: refresh, diff, show; optionally save the plan and report changes in the exit code.
import { savePlan } from "../../engine/plan-file.js";
import { hasChanges } from "../../engine/plan.js";
import { makePlan } from "../apply-service.js";
import type { PlanningOptions } from "../options.js";
import { createOutput } from "../output.js";
import { openSession } from "../session.js";

interface Options extends PlanningOptions {
  destroy: boolean;
  out?: string;
  detailedExitcode: boolean;
}

export default async function plan(opts: Options): Promise<number> {
  const out = await createOutput(opts);
  const session = await openSession(opts, "hk plan");
  try {
    const { plan } = await makePlan(session, out, opts.destroy ? "destroy" : "apply", opts, new AbortController().signal);
    if (opts.out) {
      await savePlan(opts.out, plan);
      out.say(`Saved the plan to ${opts.out}. To apply exactly it, run: hk apply ${opts.out}`);
    }
    return opts.detailedExitcode && hasChanges(plan) ? 2 : 0;
  } finally {
    await session.close();
  }
}
