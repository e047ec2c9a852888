// Plan then apply, shared by `hk apply` and `hk destroy`: confirmation, Ctrl-C handling (once:
// finish running steps and stop; twice: leave at once, state consistent), and the exit code.
import { startApply, type ApplyRequest } from "../engine/apply.js";
import { AbortError } from "../engine/errors.js";
import { buildPlan, type PlanOutcome } from "../engine/plan-build.js";
import { hasChanges, type Plan } from "../engine/plan.js";
import type { Output } from "./output.js";
import { parseParallelism, type PlanningOptions } from "./options.js";
import type { Session } from "./session.js";

export function planRequestOptions(opts: PlanningOptions) {
  return {
    targets: opts.target ?? [],
    replace: opts.replace ?? [],
    adopt: opts.adopt ?? [],
    refresh: opts.refresh !== "false",
    parallelism: parseParallelism(opts.parallelism),
  };
}

export async function makePlan(session: Session, out: Output, mode: "apply" | "destroy", opts: PlanningOptions, signal: AbortSignal): Promise<PlanOutcome> {
  for (const w of session.target.warnings ?? []) out.bus.emit({ type: "diagnostic", severity: "warning", message: w });
  for (const m of session.store.missingSecrets) out.bus.emit({ type: "diagnostic", severity: "warning", message: `secret ${m} is missing from the state's secrets file` });
  if (mode === "apply") for (const w of session.warnings) out.bus.emit({ type: "diagnostic", severity: "warning", message: w });
  if (mode === "apply" && session.target.preflight) {
    const failed = await session.target.preflight();
    for (const f of failed.filter((x) => x.severity === "warning")) out.bus.emit({ type: "diagnostic", severity: "warning", message: `${f.check}: ${f.message}${f.fix ? ` (${f.fix})` : ""}` });
    const stops = failed.filter((x) => x.severity === "error");
    if (stops.length > 0) throw new AbortError(`preflight: ${stops.map((f) => `${f.check}: ${f.message}`).join("; ")}`, stops.map((f) => f.fix).filter(Boolean).join("; ") || "hk doctor says more");
  }
  const outcome = await buildPlan({
    mode,
    stack: session.target.stack,
    registry: session.target.registry,
    state: session.store.current,
    bus: out.bus,
    signal,
    ...planRequestOptions(opts),
  });
  await out.showPlan(outcome.plan);
  return outcome;
}

/** Refuse early when nobody can answer the confirmation question. */
export function requireApproval(autoApprove: boolean, json: boolean, mode: "apply" | "destroy"): void {
  if (autoApprove) return;
  if (json) throw new AbortError("--json needs --auto-approve: a confirmation prompt would break the JSON stream, so nothing was done", "pass --auto-approve as well");
  if (!process.stdin.isTTY) throw new AbortError(`no terminal to confirm the ${mode} on, so nothing was done`, `pass --auto-approve to ${mode} without asking`);
}

export async function confirmPlan(out: Output, plan: Plan, autoApprove: boolean): Promise<boolean> {
  if (autoApprove || !hasChanges(plan)) return true;
  const verb = plan.mode === "destroy" ? "destroy all these resources" : "perform these actions";
  const ok = await out.confirm(`Do you really want to ${verb}?`);
  if (!ok) out.say(`${plan.mode === "destroy" ? "Destroy" : "Apply"} cancelled.`);
  return ok;
}

/** Once the view has drawn its last frame, or after a second at most, so a stuck terminal cannot hold hk. */
function leaveWhenDrawn(view: { done: Promise<void>; stop(): void }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const fallback = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
  return Promise.race([view.done, fallback]).finally(() => {
    clearTimeout(timer);
    view.stop();
  });
}

export async function runApply(session: Session, out: Output, req: Omit<ApplyRequest, "store" | "stack" | "registry" | "bus" | "signal"> & { controller: AbortController }): Promise<number> {
  const view = await out.followApply();
  const run = startApply({ ...req, store: session.store, stack: session.target.stack, registry: session.target.registry, bus: out.bus, signal: req.controller.signal });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      out.bus.emit({ type: "interrupt", count: 1, message: "Interrupt received: finishing running steps, then stopping. Press Ctrl-C again to stop at once." });
      run.stop("interrupted");
      return;
    }
    if (interrupts > 2) process.exit(130);
    out.bus.emit({ type: "interrupt", count: interrupts, message: "Stopping now: the state holds every finished step and the pending ones; the next run resolves them." });
    req.controller.abort();
    // The view draws that line and a last frame without live lines, then lets go of the terminal
    // (stopping it in this tick would leave the frame before, frozen); a third Ctrl-C does not wait.
    void leaveWhenDrawn(view).then(() => session.close()).finally(() => process.exit(130));
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    const result = await run.result;
    await view.done;
    return result.ok ? 0 : 1;
  } catch (err) {
    view.stop();
    throw err;
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}
