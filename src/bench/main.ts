// `npm run bench`: plan time, peak memory, state write time and apply wall time against the
// critical path, on synthetic graphs up to 5,000 resources; and `hk --help` start-up time.
// A script, not a timed test: machines here are noisy, so it prints figures for BENCHMARKS.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startApply } from "../engine/apply.js";
import { EventBus } from "../engine/events.js";
import { buildPlan } from "../engine/plan-build.js";
import { registry } from "../engine/resource.js";
import { saveState, statePaths } from "../engine/state-file.js";
import { StateStore } from "../engine/state-store.js";
import { benchType, criticalPathMs, syntheticStack } from "./synthetic.js";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function peakSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

async function applied(n: number, parallelism: number) {
  const s = syntheticStack(n);
  const type = benchType(true);
  const reg = registry([type]);
  const dir = mkdtempSync(join(tmpdir(), "hk-bench-"));
  const paths = statePaths(join(dir, "hk.state.json"));
  const store = await StateStore.open(paths, { stack: "bench", hkVersion: "bench", key: undefined, sensitiveOf: () => undefined });
  const bus = new EventBus();
  const outcome = await buildPlan({ mode: "apply", stack: s.stack, registry: reg, state: store.current, targets: [], replace: [], refresh: true, parallelism, bus, signal: new AbortController().signal });
  const t0 = performance.now();
  const run = startApply({ ...outcome, stack: s.stack, registry: reg, store, bus, parallelism, signal: new AbortController().signal });
  const result = await run.result;
  const wall = performance.now() - t0;
  await store.flush();
  if (!result.ok) throw new Error("bench apply failed");
  const work = s.stack.resources.reduce((a, d) => a + Number(d.inputs.delayMs), 0);
  return { s, type, reg, store, wall, cp: criticalPathMs(s), bound: Math.max(criticalPathMs(s), work / parallelism), writes: store.writes, paths };
}

async function main() {
  const sizes = (process.env.HK_BENCH_SIZES ?? "500,1000,5000").split(",").map(Number);
  const rows: string[] = ["| resources | plan: engine (with 20 ms list calls) | peak RSS during plan | state write | state file | apply wall (parallelism 10) | ideal at 10 | ratio | apply wall (unbounded) | critical path | ratio |", "|---|---|---|---|---|---|---|---|---|---|---|"];
  for (const n of sizes) {
    const a = await applied(n, 10);
    const unbounded = await applied(n, n);
    const replan = async (reg: typeof a.reg) => {
      gc();
      const stopPeak = peakSampler();
      const t0 = performance.now();
      const plan = await buildPlan({ mode: "apply", stack: a.s.stack, registry: reg, state: a.store.current, targets: [], replace: [], refresh: true, parallelism: 10, bus: new EventBus(), signal: new AbortController().signal });
      return { plan, ms: performance.now() - t0, peak: stopPeak() };
    };
    // Engine cost (reads answer at once), then with 20 ms per list call of 50 objects, paged as the client pages.
    const instant = benchType(false);
    for (const [k, v] of a.type.objects) instant.objects.set(k, v);
    const { plan: again, ms: planMs, peak } = await replan(registry([instant]));
    const { ms: planApiMs } = await replan(a.reg);
    if (again.plan.summary.add + again.plan.summary.change + again.plan.summary.destroy !== 0) throw new Error("bench: second plan not empty");
    const w0 = performance.now();
    await saveState(a.paths, a.store.current, undefined, () => undefined);
    const writeMs = performance.now() - w0;
    const { statSync } = await import("node:fs");
    const size = statSync(a.paths.state).size;
    rows.push(
      `| ${n} | ${planMs.toFixed(0)} ms (${planApiMs.toFixed(0)} ms) | ${(peak / 2 ** 20).toFixed(0)} MB | ${writeMs.toFixed(1)} ms | ${(size / 2 ** 20).toFixed(2)} MB | ${(a.wall / 1000).toFixed(2)} s | ${(a.bound / 1000).toFixed(2)} s | ${(a.wall / a.bound).toFixed(3)} | ${(unbounded.wall / 1000).toFixed(2)} s | ${(unbounded.cp / 1000).toFixed(2)} s | ${(unbounded.wall / unbounded.cp).toFixed(3)} |`,
    );
    process.stderr.write(`bench: ${n} done (${a.writes} state writes during the apply)\n`);
  }
  const bin = fileURLToPath(new URL("../../bin/hk.js", import.meta.url));
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, "--help"], { stdio: "ignore" });
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  process.stdout.write(`${rows.join("\n")}\n\n\`hk --help\`: median ${times[5]?.toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms over 10 runs (node ${process.version}).\n`);
}

await main();
// The Kubernetes figures (src/bench/kube.ts); HK_BENCH_KUBE=0 skips them.
if (process.env.HK_BENCH_KUBE !== "0") process.stdout.write(`\n${await (await import("./kube.js")).kubeBench()}`);
// The sandbox bootstrap under real/60 timing (src/bench/capi.ts): minutes, so only when asked.
if (process.env.HK_BENCH_CAPI === "1") process.stdout.write(`\n${await (await import("./capi.js")).capiBench()}`);
