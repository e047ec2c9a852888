// Drive the engine in-process the way the CLI does: open the state, plan, apply, and collect
// every event. Used by the engine tests and scenario fixtures.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApply, type ApplyResult } from "../../src/engine/apply.js";
import type { ResourceDecl, Stack } from "../../src/engine/declaration.js";
import { EventBus, type EngineEvent } from "../../src/engine/events.js";
import { buildPlan, type PlanOutcome } from "../../src/engine/plan-build.js";
import { registry, type AnyResourceType } from "../../src/engine/resource.js";
import { statePaths } from "../../src/engine/state-file.js";
import { StateStore } from "../../src/engine/state-store.js";
import { FakeWorld } from "./fake-world.js";

export interface Harness {
  dir: string;
  world: FakeWorld;
  statePath: string;
  events: EngineEvent[];
  open(types: AnyResourceType[]): Promise<StateStore>;
  plan(stack: Stack, types: AnyResourceType[], opts?: Partial<PlanOpts>): Promise<PlanOutcome>;
  apply(stack: Stack, types: AnyResourceType[], opts?: Partial<PlanOpts>): Promise<{ outcome: PlanOutcome; result: ApplyResult; store: StateStore }>;
}

export interface PlanOpts {
  mode: "apply" | "destroy";
  targets: string[];
  replace: string[];
  /** --adopt: addresses whose object may be taken over from another state. */
  adopt: string[];
  refresh: boolean;
  parallelism: number;
}

export function tempDir(prefix = "hk-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function harness(dir = tempDir()): Harness {
  const world = new FakeWorld(join(dir, "world.json"));
  const statePath = join(dir, "state", "hk.state.json");
  const events: EngineEvent[] = [];
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const open = async (types: AnyResourceType[]) => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(dir, "state"), { recursive: true });
    const reg = registry(types);
    return StateStore.open(statePaths(statePath), { stack: "test", hkVersion: "test", key: undefined, sensitiveOf: (t) => reg.get(t)?.sensitive });
  };
  const plan = async (stack: Stack, types: AnyResourceType[], opts: Partial<PlanOpts> = {}, store?: StateStore) => {
    const s = store ?? (await open(types));
    return buildPlan({
      mode: opts.mode ?? "apply",
      stack,
      registry: registry(types),
      state: s.current,
      targets: opts.targets ?? [],
      replace: opts.replace ?? [],
      adopt: opts.adopt ?? [],
      refresh: opts.refresh ?? true,
      parallelism: opts.parallelism ?? 10,
      bus,
      signal: new AbortController().signal,
    });
  };
  return {
    dir,
    world,
    statePath,
    events,
    open,
    plan: (stack, types, opts) => plan(stack, types, opts),
    async apply(stack, types, opts = {}) {
      const store = await open(types);
      const outcome = await plan(stack, types, opts, store);
      const run = startApply({
        ...outcome,
        stack,
        registry: registry(types),
        store,
        bus,
        parallelism: opts.parallelism ?? 10,
        signal: new AbortController().signal,
      });
      const result = await run.result;
      await store.flush();
      return { outcome, result, store };
    },
  };
}

export function stackOf(resources: ResourceDecl[], outputs?: Stack["outputs"]): Stack {
  return outputs ? { name: "test", resources, outputs } : { name: "test", resources };
}

/** The plan's entries as `action address` lines, sorted, for compact assertions. */
export function actions(outcome: PlanOutcome): string[] {
  return outcome.plan.entries
    .filter((e) => e.action !== "noop")
    .map((e) => `${e.action} ${e.address}${e.deposed ? " (deposed)" : ""}`)
    .sort();
}
