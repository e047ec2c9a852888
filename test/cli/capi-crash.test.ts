// SIGKILL `hk apply --sandbox` (and destroy) at chosen moments of the Cluster API bootstrap, the
// pivot and the teardown; the next run must end 0 having made nothing twice, and the final destroy
// must leave nothing. Moments are events (a line hk prints), never durations; the world is served
// by a separate `hk sandbox serve` so the simulated controllers keep running across the kill.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk } from "../support/cli.js";
import { count, killAt, sandboxDir, serveWorld, type Counted, type Served } from "./capi-crash/world.js";

// Each test runs a bootstrap, a kill, a second run and a destroy: minutes on a loaded machine.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 120_000 });

const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
const APPLY = ["apply", "--sandbox", "--auto-approve"];
const DESTROY = ["destroy", "--sandbox", "--auto-approve"];

/** Lines of an apply from empty, in the order they come: the moments a kill can land on. */
const APPLY_MOMENTS = [
  "capi_providers.bootstrap: Creating...",
  "capi_cluster.workload: Creating...",
  "capi_cluster.workload: applying",
  "capi_cluster.workload: waiting for the control plane",
  "capi_cluster.workload: waiting for 3 Ready nodes",
  "capi_providers.workload: Creating...",
  "capi_pivot.workload: Creating...",
  // clusterctl move under way (the emulated one is quick: the real one, killed, leaves it half done).
  "capi_pivot.workload: clusterctl move into",
  "kind_cluster.bootstrap: Destroying...",
];

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

async function fresh(prefix: string) {
  const dir = tempDir(prefix);
  copyFileSync(example, join(dir, "cluster.config.ts"));
  const env = { HOME: dir };
  served = await serveWorld(dir, env);
  return { dir, env, look: () => count(dir, served?.endpoint ?? "") };
}

/** A self-managed cluster made once: 3 control planes, one of each network object, kind retired. */
function expectBuiltOnce(c: Counted) {
  expect(c.servers.filter((s) => s.role === "control_plane")).toHaveLength(3);
  expect(c.servers).toHaveLength(3);
  expect(c.loadBalancers).toHaveLength(1);
  expect(c.networks).toHaveLength(1);
  expect(c.placementGroups.length).toBeLessThanOrEqual(1);
  expect(c.snapshots).toHaveLength(1);
  expect(c.firewalls).toEqual(["k8s-firewall"]);
  expect(c.kind).toEqual([]);
  expect(c.worldClusters).toEqual(["k8s"]);
}

function expectNothingLeft(c: Counted) {
  expect({ ...c }).toEqual({ servers: [], loadBalancers: [], networks: [], placementGroups: [], snapshots: [], firewalls: [], kind: [], worldClusters: [] });
}

/** What a failed run said: the end of its stdout and its stderr without the plan's warnings. */
const said = (r: { stdout: string; stderr: string }) => [...r.stdout.split("\n").slice(-20), ...r.stderr.split("\n").filter((l) => !l.startsWith("Warning:"))].join("\n");

/** Kill the apply at `at`, apply again, check nothing was made twice, destroy, check nothing is left. */
async function crashApplyAt(prefix: string, at: string) {
  const { dir, env, look } = await fresh(prefix);
  const killed = await killAt(dir, env, APPLY, at);
  expect(killed.run.signal).toBe("SIGKILL");
  const before = await look();
  const again = await hk(APPLY, { cwd: dir, env });
  // Warnings (the plan's preflight) go to stderr; an error must not.
  expect(again.stderr, said(again)).not.toMatch(/^Error:/m);
  expect(again.code, said(again)).toBe(0);
  const after = await look();
  expectBuiltOnce(after);
  // Servers the killed run's controllers made are the ones the cluster keeps (same ids, same names);
  // the Talos image's build server (no machine_type) is the killed run's own, deleted by the next.
  for (const s of before.servers.filter((x) => x.role !== undefined)) expect(after.servers).toContainEqual(s);
  expect(before.loadBalancers.every((lb) => after.loadBalancers.includes(lb))).toBe(true);
  expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  const down = await hk(DESTROY, { cwd: dir, env });
  expect(down.code, said(down)).toBe(0);
  expectNothingLeft(await look());
}

describe("crash during the bootstrap and the pivot", () => {
  it("killed as clusterctl init starts on kind, the next apply converges", () => crashApplyAt("hk-capi-crash-init-", "capi_providers.bootstrap: Creating..."));

  it("killed while waiting for the control plane, the next apply converges", () => crashApplyAt("hk-capi-crash-cp-", "capi_cluster.workload: waiting for the control plane"));

  it("killed as the pivot starts, the next apply converges", () => crashApplyAt("hk-capi-crash-pivot-", "capi_pivot.workload: Creating..."));

  it("killed as kind is retired, the next apply converges", () => crashApplyAt("hk-capi-crash-retire-", "kind_cluster.bootstrap: Destroying..."));

  // A seeded pick among the moments: the seed is in the name, so a failure reruns exactly.
  const seed = Number(process.env.HK_CRASH_SEED ?? 20261201);
  const pick = APPLY_MOMENTS[mulberry32(seed)() * APPLY_MOMENTS.length | 0] ?? APPLY_MOMENTS[0];
  it(`killed at a seeded moment (HK_CRASH_SEED=${seed}: "${pick}"), the next apply converges`, () => crashApplyAt("hk-capi-crash-seed-", pick as string));
});

describe("crash during the destroy", () => {
  it("killed as the Cluster is deleted, the next destroy leaves nothing", async () => {
    const { dir, env, look } = await fresh("hk-capi-crash-destroy-");
    const up = await hk(APPLY, { cwd: dir, env });
    expect(up.code, said(up)).toBe(0);
    expectBuiltOnce(await look());
    const killed = await killAt(dir, env, DESTROY, "capi_cluster.workload: Destroying...");
    expect(killed.run.signal).toBe("SIGKILL");
    // The killed run left its lock, naming a dead process: the next run takes it over, no `hk unlock` needed.
    const lock = join(sandboxDir(dir), "hk.state.json.lock");
    const holder = JSON.parse(readFileSync(lock, "utf8")) as { pid: number; command: string };
    expect(holder.command).toMatch(/destroy/);
    expect(() => process.kill(holder.pid, 0)).toThrow(/ESRCH/);
    const down = await hk(DESTROY, { cwd: dir, env });
    expect(down.stderr).not.toMatch(/^Error:/m);
    expect(down.code, said(down)).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expectNothingLeft(await look());
  });

  it("killed as kind comes back for the reverse pivot, the next destroy leaves nothing", async () => {
    const { dir, env, look } = await fresh("hk-capi-crash-destroy-kind-");
    const up = await hk(APPLY, { cwd: dir, env });
    expect(up.code, said(up)).toBe(0);
    const killed = await killAt(dir, env, DESTROY, "capi_pivot.workload: Destroying...");
    expect(killed.run.signal).toBe("SIGKILL");
    // kind came back once: the next destroy uses that one, it does not make a second.
    expect((await look()).kind.length).toBeLessThanOrEqual(1);
    const down = await hk(DESTROY, { cwd: dir, env });
    expect(down.code, said(down)).toBe(0);
    expectNothingLeft(await look());
  });
});

/** A small seeded PRNG (mulberry32): the same seed picks the same moment on every machine. */
function mulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
