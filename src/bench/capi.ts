// The sandbox bootstrap benchmark (`npm run bench:capi`, or `HK_BENCH_CAPI=1 npm run bench`): the
// example config applied from empty to self-managed under HK_SANDBOX_TIMING=real/60, its wall time
// against (a) the critical path of the plan's dependency graph weighted by the steps' measured
// durations and (b) their sum, the seed Makefile's one-after-another; then the fast-timing
// lifecycle (apply, plan, destroy). Real processes: a `hk sandbox serve` world and the built CLI.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin", "hk.js");

interface Ran {
  code: number | null;
  stdout: string;
  ms: number;
}

function hk(args: string[], cwd: string, env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, ms: performance.now() - t0 }));
  });
}

/** A world served in `dir` until the returned stop is called (as a user's second terminal). */
async function serve(dir: string, env: Record<string, string>): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [bin, "sandbox", "serve"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: hk sandbox serve in ${dir} printed no HCLOUD_ENDPOINT within 60 s`)), 60_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("HCLOUD_ENDPOINT=")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`bench: hk sandbox serve exited ${code} before serving: ${out}`)));
  });
  return () =>
    new Promise((resolve) => {
      child.on("close", () => resolve());
      child.kill("SIGTERM");
    });
}

function fresh(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "hk-bench-capi-"));
  copyFileSync(join(root, "cluster.config.ts"), join(dir, "cluster.config.ts"));
  return { dir, env: { HOME: dir } };
}

type Json = Record<string, unknown>;
const lines = (out: string): Json[] => out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Json);

export interface StepTimes {
  /** `address op` → measured duration (ms) of a step that ran. */
  durations: Map<string, number>;
  /** `address op` → the steps it had to wait for. */
  after: Map<string, string[]>;
}

/**
 * The step graph of an apply: a create waits for its dependencies' creates; the retirement (delete)
 * of a temporary resource waits for the creates of everything that used it and for the retirement
 * of temporary resources built on it (kind goes after clusterctl's providers on it).
 */
export function stepGraph(plan: Json, events: Json[]): StepTimes {
  const entries = ((plan.entries ?? []) as Array<{ address: string; dependencies?: string[]; temporary?: unknown }>).map((e) => ({ ...e, dependencies: e.dependencies ?? [] }));
  const durations = new Map<string, number>();
  for (const e of events) if (e.type === "step-done") durations.set(`${String(e.address)} ${String(e.operation)}`, Number(e.durationMs));
  const after = new Map<string, string[]>();
  for (const e of entries) after.set(`${e.address} create`, e.dependencies.map((d) => `${d} create`));
  for (const e of entries.filter((x) => x.temporary !== undefined)) {
    const users = entries.filter((u) => u.dependencies.includes(e.address));
    after.set(`${e.address} delete`, [...users.map((u) => `${u.address} create`), ...users.filter((u) => u.temporary !== undefined).map((u) => `${u.address} delete`)]);
  }
  return { durations, after };
}

/** Longest path through the step graph (ms), and the steps on it. */
export function criticalPath(g: StepTimes): { ms: number; path: string[] } {
  const memo = new Map<string, { ms: number; path: string[] }>();
  const visit = (step: string): { ms: number; path: string[] } => {
    const known = memo.get(step);
    if (known) return known;
    let best = { ms: 0, path: [] as string[] };
    for (const d of g.after.get(step) ?? []) {
      const v = visit(d);
      if (v.ms > best.ms) best = v;
    }
    const own = g.durations.get(step) ?? 0;
    const out = { ms: best.ms + own, path: own > 0 ? [...best.path, step] : best.path };
    memo.set(step, out);
    return out;
  };
  return [...g.after.keys()].map(visit).reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, path: [] });
}

async function realRun(timing: string) {
  const { dir, env } = fresh();
  const tenv = { ...env, HK_SANDBOX_TIMING: timing };
  const stop = await serve(dir, tenv);
  try {
    const plan = lines((await hk(["plan", "--sandbox", "--json"], dir, tenv)).stdout).find((e) => e.type === "plan")?.plan as Json | undefined;
    if (!plan) throw new Error(`bench: hk plan --sandbox --json in ${dir} gave no plan event`);
    const apply = await hk(["apply", "--sandbox", "--auto-approve", "--json"], dir, tenv);
    if (apply.code !== 0) throw new Error(`bench: hk apply --sandbox under ${timing} in ${dir} exited ${apply.code}`);
    const g = stepGraph(plan, lines(apply.stdout));
    const cp = criticalPath(g);
    const sum = [...g.durations.values()].reduce((a, b) => a + b, 0);
    const down = await hk(["destroy", "--sandbox", "--auto-approve"], dir, tenv);
    if (down.code !== 0) throw new Error(`bench: hk destroy --sandbox in ${dir} exited ${down.code}`);
    return { wall: apply.ms, cp, sum, durations: g.durations };
  } finally {
    await stop();
  }
}

async function fastLifecycle() {
  const { dir, env } = fresh();
  const stop = await serve(dir, env);
  try {
    const out: number[] = [];
    for (const args of [["apply", "--sandbox", "--auto-approve"], ["plan", "--sandbox", "--detailed-exitcode"], ["destroy", "--sandbox", "--auto-approve"]]) {
      const r = await hk(args, dir, env);
      if (r.code !== 0) throw new Error(`bench: hk ${args.join(" ")} in ${dir} exited ${r.code}`);
      out.push(r.ms);
    }
    return out;
  } finally {
    await stop();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const stats = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return `${s(v[0] ?? 0)} / ${s(v[Math.floor(v.length / 2)] ?? 0)} / ${s(v[v.length - 1] ?? 0)}`;
};

/** Runs the benchmark (`runs` of each) and returns its Markdown for BENCHMARKS.md. */
export async function capiBench(runs = Number(process.env.HK_BENCH_RUNS ?? 3), timing = process.env.HK_BENCH_TIMING ?? "real/60"): Promise<string> {
  const real = [];
  for (let i = 0; i < runs; i++) {
    const r = await realRun(timing);
    real.push(r);
    process.stderr.write(`bench capi: ${timing} run ${i + 1}/${runs}: wall ${s(r.wall)}, critical path ${s(r.cp.ms)}, sum ${s(r.sum)}\n`);
  }
  const fast = [];
  for (let i = 0; i < runs; i++) {
    const f = await fastLifecycle();
    fast.push(f);
    process.stderr.write(`bench capi: fast run ${i + 1}/${runs}: apply ${s(f[0] ?? 0)}, plan ${s(f[1] ?? 0)}, destroy ${s(f[2] ?? 0)}\n`);
  }
  const last = real[real.length - 1];
  const rows = [
    `Sandbox bootstrap of the example config under HK_SANDBOX_TIMING=${timing}, ${runs} runs, min / median / max (${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)} at the end, node ${process.version}):`,
    "",
    "| figure | min / median / max |",
    "|---|---|",
    `| hk apply wall (empty → self-managed, kind retired) | ${stats(real.map((r) => r.wall))} |`,
    `| critical path of the plan's graph (measured step durations) | ${stats(real.map((r) => r.cp.ms))} |`,
    `| wall / critical path (goal ≤ 1.1) | ${real.map((r) => (r.wall / r.cp.ms).toFixed(2)).join(", ")} |`,
    `| sum of the same steps one after another (the seed Makefile) | ${stats(real.map((r) => r.sum))} |`,
    `| wall / sum | ${real.map((r) => (r.wall / r.sum).toFixed(2)).join(", ")} |`,
    "",
    `Critical path of the last run: ${last ? last.cp.path.map((p) => `${p} ${s(last.durations.get(p) ?? 0)}`).join(" → ") : "-"}.`,
    "",
    `Fast timing lifecycle (default HK_SANDBOX_TIMING), ${runs} runs, min / median / max: apply ${stats(fast.map((f) => f[0] ?? 0))}, plan ${stats(fast.map((f) => f[1] ?? 0))}, destroy ${stats(fast.map((f) => f[2] ?? 0))}.`,
  ];
  return rows.join("\n") + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.stdout.write(await capiBench());
