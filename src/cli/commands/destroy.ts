// hk destroy: plan the removal of everything in the state (and leftovers), confirm, apply.
import { confirmPlan, makePlan, requireApproval, runApply } from "../apply-service.js";
import { parseParallelism, type PlanningOptions } from "../options.js";
import { createOutput } from "../output.js";
import { openSession } from "../session.js";

interface Options extends PlanningOptions {
  autoApprove: boolean;
}

export default async function destroy(opts: Options): Promise<number> {
  const out = await createOutput(opts);
  requireApproval(opts.autoApprove, opts.json, "destroy");
  const controller = new AbortController();
  const session = await openSession(opts, "hk destroy");
  try {
    const outcome = await makePlan(session, out, "destroy", opts, controller.signal);
    if (!(await confirmPlan(out, outcome.plan, opts.autoApprove))) return 1;
    return await runApply(session, out, { ...outcome, parallelism: parseParallelism(opts.parallelism), controller });
  } finally {
    await session.close();
  }
}
