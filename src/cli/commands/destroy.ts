// hk destroy: plan the removal of everything in the state (and leftovers), confirm, apply.
import { remainingFor, remainsLines } from "../../engine/remains.js";
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
    const code = await runApply(session, out, { ...outcome, parallelism: parseParallelism(opts.parallelism), controller });
    // A whole destroy ends by looking again: what is left is said plainly, nothing above all.
    if (code === 0 && opts.target.length === 0 && !opts.json) {
      const { stack, registry } = session.target;
      for (const line of remainsLines(stack.name, await remainingFor(registry, stack.name, out.bus, controller.signal))) out.say(line);
    }
    return code;
  } finally {
    await session.close();
  }
}
