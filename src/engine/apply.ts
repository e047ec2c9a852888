// Apply: execute exactly a plan. Recovered and refreshed facts are recorded first; then the
// apply graph is walked in dependency order, in parallel where it allows; the state is written
// after every step; outputs last.
import { buildApplyGraph, type Op } from "./apply-graph.js";
import { recordedLifecycle, runAdopt, runCreate, runDelete, runUpdate, type OpEnv } from "./apply-ops.js";
import type { Stack } from "./declaration.js";
import { CreateFailedError, errorMessage } from "./errors.js";
import type { EventBus } from "./events.js";
import { declDependencies } from "./graph-build.js";
import { SENSITIVE } from "./plan-redact.js";
import type { Plan } from "./plan.js";
import { applyRecoveries, type Recovery } from "./recover.js";
import type { Found, Registry } from "./resource.js";
import { outputSecrets, secretRefPaths } from "./sensitivity.js";
import type { StateStore } from "./state-store.js";
import type { ResourceState, StateData } from "./state.js";
import { stepContext } from "./step-context.js";
import { canonicalJson, getPath, mapRefs, type JsonObject } from "./values.js";
import { walkGraph } from "./walk.js";

export interface ApplyRequest {
  plan: Plan;
  stack: Stack;
  registry: Registry;
  store: StateStore;
  bus: EventBus;
  parallelism: number;
  /** Aborted to make running steps give up (second Ctrl-C). */
  signal: AbortSignal;
  recoveries?: Recovery[];
  adopted?: Map<string, Found>;
  /** The refreshed state the plan was made from (a fresh plan); its observations are recorded. */
  working?: StateData;
}

export interface ApplyResult {
  ok: boolean;
  failed: Array<{ address: string; error: string }>;
  counts: { added: number; changed: number; destroyed: number; failed: number; skipped: number };
}

export interface ApplyRun {
  result: Promise<ApplyResult>;
  /** First Ctrl-C: start nothing new, let running steps finish, save state. */
  stop(reason: string): void;
}

export function startApply(req: ApplyRequest): ApplyRun {
  let stopRequest: string | undefined;
  let stopWalk: ((reason: string) => void) | undefined;
  const result = run(
    req,
    (stop) => {
      stopWalk = stop;
      if (stopRequest !== undefined) stop(stopRequest);
    },
    () => stopRequest !== undefined,
  );
  return {
    result,
    stop(reason) {
      stopRequest ??= reason;
      stopWalk?.(reason);
    },
  };
}

async function run(req: ApplyRequest, onWalk: (stop: (reason: string) => void) => void, interrupted: () => boolean): Promise<ApplyResult> {
  const started = Date.now();
  await recordPlanningFacts(req);
  const { graph, ops } = buildApplyGraph(req.plan.entries, req.registry);
  const env: OpEnv = { stack: req.stack, registry: req.registry, store: req.store, adopted: req.adopted ?? new Map() };
  const observed = new Map<string, ResourceState>((req.working?.resources ?? []).map((r) => [r.address, r]));
  const counts = { added: 0, changed: 0, destroyed: 0, failed: 0, skipped: 0 };
  const failed: ApplyResult["failed"] = [];
  req.bus.emit({ type: "apply-start", mode: req.plan.mode, steps: ops.size });
  const walk = walkGraph(graph, {
    parallelism: req.parallelism,
    visit: async (id) => {
      const op = ops.get(id) as Op;
      const address = op.entry.address;
      const at = Date.now();
      req.bus.emit({ type: "step-start", address, operation: op.operation, at });
      const ctx = stepContext(req.bus, req.signal, address, op.operation);
      try {
        let objectId: string;
        if (op.operation === "create") objectId = await runCreate(env, op, ctx);
        else if (op.operation === "update") objectId = await runUpdate(env, op, ctx, observed);
        else if (op.operation === "read") objectId = (await runAdopt(env, op, ctx)).id ?? "";
        else objectId = await runDelete(env, op, ctx);
        if (op.operation === "create") counts.added++;
        else if (op.operation === "update") counts.changed++;
        else if (op.operation === "delete") counts.destroyed++;
        req.bus.emit({ type: "step-done", address, operation: op.operation, durationMs: Date.now() - at, id: objectId });
      } catch (err) {
        counts.failed++;
        failed.push({ address, error: errorMessage(err) });
        const left = err instanceof CreateFailedError ? { left: err.left.id } : {};
        req.bus.emit({ type: "step-failed", address, operation: op.operation, durationMs: Date.now() - at, error: errorMessage(err), ...left });
        throw err;
      }
    },
    onSkip: (id, reason) => {
      const op = ops.get(id) as Op;
      counts.skipped++;
      req.bus.emit({ type: "step-skipped", address: op.entry.address, operation: op.operation, reason });
    },
  });
  onWalk((reason) => walk.stop(reason));
  await walk.result;
  const outputs = await recordOutputs(req);
  // An interrupted run is not a success even when the steps still running were the last ones.
  const stopped = interrupted();
  const ok = counts.failed === 0 && counts.skipped === 0 && !stopped;
  const kept = req.plan.kept?.length ?? 0;
  req.bus.emit({ type: "apply-done", mode: req.plan.mode, ok, durationMs: Date.now() - started, counts, ...(kept > 0 ? { kept } : {}), ...(stopped ? { interrupted: true } : {}), outputs });
  return { ok, failed, counts };
}

/** Record pending operations resolved while planning, and what the refresh observed. */
async function recordPlanningFacts(req: ApplyRequest): Promise<void> {
  const recoveries = req.recoveries ?? [];
  const seen = new Map((req.working?.resources ?? []).map((r) => [`${r.address} ${r.id}`, r]));
  const live = (r: ResourceState) => r.id !== null && r.status !== "dormant";
  const differs = (r: ResourceState) => {
    const w = seen.get(`${r.address} ${r.id}`);
    return !w || canonicalJson([w.inputs, w.outputs]) !== canonicalJson([r.inputs, r.outputs]);
  };
  const refreshed = req.working !== undefined && req.store.current.resources.some((r) => live(r) && differs(r));
  if (recoveries.length === 0 && !refreshed) return;
  await req.store.commit((s) => {
    applyRecoveries(s, recoveries);
    if (!req.working) return;
    s.resources = s.resources.flatMap((r) => {
      if (!live(r)) return [r];
      const w = seen.get(`${r.address} ${r.id}`);
      return w ? [{ ...r, inputs: w.inputs, outputs: w.outputs }] : [];
    });
  });
}

/** Resolve the stack's outputs against the final state, refresh recorded dependencies, drop stale dormant records. */
async function recordOutputs(req: ApplyRequest): Promise<Record<string, unknown>> {
  const declared = new Map(req.stack.resources.map((d) => [d.address, d]));
  const outputs: Record<string, unknown> = {};
  const shown: Record<string, unknown> = {};
  const secret: string[] = [];
  if (req.plan.mode === "apply") {
    const secrets = outputSecrets(req.stack, req.registry, (a) => req.store.find(a));
    for (const [k, v] of Object.entries(req.stack.outputs ?? {})) {
      // An output of a resource that does not exist yet (skipped, interrupted) is not known: left
      // out, rather than recorded as null as if it were a value.
      let known = true;
      const value = mapRefs(v, (r) => {
        const record = req.store.find(r.$ref);
        if (record === undefined || record.id === null || record.status === "dormant") known = false;
        return getPath(record?.outputs, r.path) ?? null;
      });
      if (!known) continue;
      outputs[k] = value;
      const sensitive = secretRefPaths(v, secrets).length > 0;
      if (sensitive) secret.push(k);
      shown[k] = sensitive ? SENSITIVE : outputs[k];
    }
  }
  await req.store.commit((s) => {
    s.outputs = outputs as JsonObject;
    if (secret.length > 0) s.secretOutputs = secret;
    else delete s.secretOutputs;
    for (const r of s.resources) {
      const d = declared.get(r.address);
      if (!d || r.status === "deposed") continue;
      // The config's word on dependencies and lifecycle (protect added or lifted) is recorded on
      // every apply, for when the resource has left the config.
      r.dependencies = declDependencies(d);
      const lifecycle = recordedLifecycle(d);
      if (lifecycle) r.lifecycle = lifecycle;
      else delete r.lifecycle;
    }
    s.resources = s.resources.filter((r) => r.status !== "dormant" || (declared.has(r.address) && req.plan.mode === "apply"));
  });
  return shown;
}
