// Engine scenarios as fixtures: each folder under scenarios/ holds a config (defineStack over the
// fake type), optionally the world and state before, the expected plan text and the expected
// calls and state after apply (or the expected error). Steps run one at a time so the order of
// calls is deterministic. UPDATE_SCENARIOS=1 rewrites the expectations.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { startApply } from "../../src/engine/apply.js";
import type { Stack } from "../../src/engine/declaration.js";
import { EventBus } from "../../src/engine/events.js";
import { buildPlan } from "../../src/engine/plan-build.js";
import { registry } from "../../src/engine/resource.js";
import { statePaths } from "../../src/engine/state-file.js";
import { StateStore } from "../../src/engine/state-store.js";
import { formatPlan } from "../../src/ui/render-plan.js";
import { tempDir } from "../support/engine-harness.js";

const root = join(import.meta.dirname, "scenarios");
const update = process.env.UPDATE_SCENARIOS === "1";

interface Args {
  mode?: "apply" | "destroy";
  targets?: string[];
  replace?: string[];
}

/** State with the run-specific values (lineage, times, ids of pending records) made stable. */
function normalize(state: unknown): unknown {
  return JSON.parse(
    JSON.stringify(state, (k, v) => {
      if (["lineage", "createdAt", "updatedAt", "startedAt", "pid", "host", "journalSeq"].includes(k)) return undefined;
      if (k === "serial") return undefined;
      return v;
    }),
  );
}

function expectText(file: string, actual: string) {
  if (update || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

describe("engine scenarios", () => {
  for (const name of readdirSync(root).sort()) {
    it(name, async () => {
      const dir = join(root, name);
      const work = tempDir(`hk-scenario-${name}-`);
      process.env.HK_FAKE_WORLD = join(work, "world.json");
      if (existsSync(join(dir, "world.before.json"))) copyFileSync(join(dir, "world.before.json"), join(work, "world.json"));
      const paths = statePaths(join(work, "hk.state.json"));
      if (existsSync(join(dir, "state.before.json"))) copyFileSync(join(dir, "state.before.json"), paths.state);
      const args: Args = existsSync(join(dir, "args.json")) ? JSON.parse(readFileSync(join(dir, "args.json"), "utf8")) : {};
      const loaded = await loadConfig(join(dir, "config.ts"));
      if (loaded.kind !== "stack") throw new Error("scenario configs use defineStack");
      const m = loaded.module;
      const stack: Stack = { name: m.name, resources: m.resources, ...(m.outputs ? { outputs: m.outputs } : {}) };
      const reg = registry(m.types);
      const store = await StateStore.open(paths, { stack: m.name, hkVersion: "test", key: undefined, sensitiveOf: (t) => reg.get(t)?.sensitive });
      const bus = new EventBus();
      const planned = await buildPlan({
        mode: args.mode ?? "apply",
        stack,
        registry: reg,
        state: store.current,
        targets: args.targets ?? [],
        replace: args.replace ?? [],
        refresh: true,
        parallelism: 1,
        bus,
        signal: new AbortController().signal,
      }).catch((err: Error) => err);
      if (planned instanceof Error) {
        expectText(join(dir, "error.txt"), `${planned.message}\n`);
        return;
      }
      const text = formatPlan({ ...planned.plan, createdAt: "-" }, { color: false, width: 100 });
      expectText(join(dir, "plan.txt"), text);
      const run = startApply({ ...planned, stack, registry: reg, store, bus, parallelism: 1, signal: new AbortController().signal });
      const result = await run.result;
      await store.flush();
      const world = JSON.parse(readFileSync(process.env.HK_FAKE_WORLD, "utf8"));
      // One step at a time, so the order of calls is part of the expectation.
      const calls = (world.log as string[]).filter((l) => !l.startsWith("read"));
      // Objects carry the owning state's lineage (random for a new state): named, not spelled out.
      const objects = JSON.parse(JSON.stringify(world.objects).replaceAll(`"${store.lineage}"`, '"(this state)"'));
      const after = { ok: result.ok, counts: result.counts, calls, state: normalize(JSON.parse(readFileSync(paths.state, "utf8"))), world: objects };
      expectText(join(dir, "after.json"), JSON.stringify(after, null, 2) + "\n");
    });
  }
});
