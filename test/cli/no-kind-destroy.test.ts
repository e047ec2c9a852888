// Destroy when no kind can run, the other broken case of the issue: real mode (no --sandbox),
// pointed at a served sandbox world as a user points the hcloud CLI at another endpoint
// (HCLOUD_ENDPOINT), on a PATH without kind or Docker. The workload cluster still answers, so hk
// pauses its Cluster API there, says in the plan why there is no reverse pivot, deletes what CAPH
// made itself, and leaves nothing: not in Hetzner, and, its servers gone, not the workload cluster.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { requireKubeTools } from "../support/kube-tools.js";
import { until } from "../support/until.js";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.split("\n").slice(-30).join("\n")}\n${r.stderr}`;

describe("destroy where no kind can run", () => {
  const dir = tempDir("hk-nokind-");
  const world = join(dir, "state", "sandbox");
  const env: Record<string, string> = { HOME: dir };
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;
  const listed = async (what: string) => ((JSON.parse(await hcloud(what, "list", "-o", "json")) as Array<{ name: string }> | null) ?? []).map((x) => x.name);
  /** Real mode on the sandbox's state and endpoint, with no kind, clusterctl or docker to find. */
  const real = (args: string[]) => hk([...args, "--state", join(world, "hk.state.json")], { cwd: dir, env: { ...env, PATH: "/usr/bin:/bin", HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } });

  beforeAll(async () => {
    requireKubeTools();
    copyFileSync(example, join(dir, "cluster.config.ts"));
    serve = startHk(["sandbox", "serve"], { cwd: dir, env });
    let out = "";
    let ended = false;
    serve.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    void serve.done.then(() => (ended = true));
    await until("hk sandbox serve to print HCLOUD_ENDPOINT", () => /HCLOUD_ENDPOINT=(\S+)/.test(out), { failIf: () => (ended ? `it exited: ${out}` : undefined) });
    endpoint = /HCLOUD_ENDPOINT=(\S+)/.exec(out)?.[1] ?? "";
    const up = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(up.code, said(up)).toBe(0);
  });
  afterAll(async () => {
    serve.child.kill("SIGTERM");
    await serve.done;
  });

  it("plans why there is no reverse pivot, deletes what CAPH made itself, and the workload cluster goes with its servers", async () => {
    expect(await listed("server")).toHaveLength(3);
    expect(existsSync(join(world, "kube", "k8s"))).toBe(true);

    const plan = await real(["plan", "--destroy"]);
    expect(plan.code, said(plan)).toBe(0);
    expect(plan.stdout).toContain("→ no bootstrap cluster can be made to move the objects to (kind is not on PATH");
    expect(plan.stdout).toContain("→ no reverse pivot: no bootstrap cluster can be made (kind is not on PATH");
    expect(plan.stdout).toContain("so no Cluster API teardown: hk pauses the controllers it can reach");
    expect(plan.stdout).not.toContain("kind_cluster.bootstrap");

    const down = await real(["destroy", "--auto-approve"]);
    expect(down.code, said(down)).toBe(0);
    expect(down.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\.\n+Nothing is left: no object labelled for k8s remains\.\n$/);
    for (const what of ["server", "load-balancer", "network", "placement-group", "firewall"]) expect(await listed(what), what).toEqual([]);
    expect(JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-o", "json"))).toBeNull();
    await until("the workload cluster to go with its servers", () => !existsSync(join(world, "kube", "k8s")));
    expect(readFileSync(join(world, "capi.log"), "utf8")).toContain("workload cluster k8s: its servers");
    // Paused before its servers went: the simulated CAPH made none again meanwhile.
    expect(await listed("server")).toEqual([]);
  });
});
