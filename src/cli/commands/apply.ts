// hk apply [FILE]: plan (or load a saved plan), confirm, apply.
import { AbortError } from "../../engine/errors.js";
import { configDigest } from "../../engine/plan-build.js";
import { checkSavedPlan, loadPlan } from "../../engine/plan-file.js";
import { applyRecoveries, recoverPending } from "../../engine/recover.js";
import { confirmPlan, makePlan, requireApproval, runApply } from "../apply-service.js";
import { parseParallelism, type PlanningOptions } from "../options.js";
import { createOutput } from "../output.js";
import { openSession } from "../session.js";

interface Options extends PlanningOptions {
  autoApprove: boolean;
}

export default async function apply(planFile: string | undefined, opts: Options): Promise<number> {
  const out = await createOutput(opts);
  const controller = new AbortController();
  if (planFile) return applySaved(planFile, opts, out, controller);
  requireApproval(opts.autoApprove, opts.json, "apply");
  const session = await openSession(opts, "hk apply");
  try {
    const outcome = await makePlan(session, out, "apply", opts, controller.signal);
    if (!(await confirmPlan(out, outcome.plan, opts.autoApprove))) return 1;
    return await runApply(session, out, { ...outcome, plan: outcome.plan, parallelism: parseParallelism(opts.parallelism), controller });
  } finally {
    await session.close();
  }
}

/** A saved plan was approved when it was made: apply exactly it, if nothing moved since. */
async function applySaved(file: string, opts: Options, out: Awaited<ReturnType<typeof createOutput>>, controller: AbortController): Promise<number> {
  // The saved plan fixed its targets, replacements and refresh when it was made.
  const shaping = [opts.target.length > 0 && "--target", (opts.replace?.length ?? 0) > 0 && "--replace", (opts.adopt?.length ?? 0) > 0 && "--adopt", opts.refresh !== "true" && "--refresh"].filter(Boolean);
  if (shaping.length > 0) throw new AbortError(`${shaping.join(", ")} cannot change a saved plan: ${file} is applied exactly as it was made`, "pass them to hk plan --out instead");
  const plan = await loadPlan(file);
  const session = await openSession(opts, `hk apply ${file}`);
  try {
    const { stack, registry } = session.target;
    checkSavedPlan(file, plan, session.store.current, configDigest(plan.mode, stack, plan.options.targets, plan.options.replace));
    const working = structuredClone(session.store.current);
    const recoveries = await recoverPending(working, registry, out.bus, controller.signal);
    applyRecoveries(working, recoveries);
    await out.showPlan(plan);
    return await runApply(session, out, { plan, recoveries, parallelism: parseParallelism(opts.parallelism), controller });
  } finally {
    await session.close();
  }
}
