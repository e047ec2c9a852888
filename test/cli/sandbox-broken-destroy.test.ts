// Destroy of a cluster that is already broken, as the issue asks: the self-managed cluster's API
// is gone (the seam: the sandbox world's control endpoint deletes the workload cluster, so its
// kubeconfig points at a port nobody listens on), while its servers, load balancer, network and
// placement group still cost money in Hetzner. The plan says why there is no Cluster API teardown
// and what hk deletes instead; the destroy brings no kind back, and leaves nothing.
import { execFile } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ControlClient } from "../../src/sandbox/clusters/control-client.js";
import { sandboxToolEnv } from "../../src/sandbox/tools-env.js";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { requireKubeTools } from "../support/kube-tools.js";
import { until } from "../support/until.js";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.split("\n").slice(-30).join("\n")}\n${r.stderr}`;

describe("destroy of a cluster whose API is gone", () => {
  const dir = tempDir("hk-broken-");
  const world = join(dir, "state", "sandbox");
  const env: Record<string, string> = { HOME: dir };
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;
  const listed = async (what: string) => ((JSON.parse(await hcloud(what, "list", "-o", "json")) as Array<{ name: string }> | null) ?? []).map((x) => x.name);
  const kindClusters = async () => (await run("kind", ["get", "clusters"], { env: { ...process.env, HOME: dir, ...sandboxToolEnv(world) } })).stdout.trim();

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

  it("plans the direct teardown with the reason, deletes what CAPH made without kind, and leaves nothing", async () => {
    expect((await listed("server")).length).toBe(3);
    const control = await ControlClient.open(world);
    expect(await control.delete("k8s")).toBe(true);

    const plan = await hk(["plan", "--destroy", "--sandbox"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(0);
    expect(plan.stdout).toContain("so no Cluster API teardown");
    expect(plan.stdout).toContain("caph-cluster-k8s=owned");
    expect(plan.stdout).not.toContain("kind_cluster.bootstrap");
    for (const s of await listed("server")) expect(plan.stdout).toContain(`hcloud_server.${s}`);

    const down = await hk(["destroy", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(down.code, said(down)).toBe(0);
    expect(down.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\.\n+Nothing is left: no object labelled for k8s remains\.\n$/);
    expect(down.stdout).not.toContain("kind_cluster.bootstrap: Creating");
    for (const what of ["server", "load-balancer", "network", "placement-group", "firewall"]) expect(await listed(what), what).toEqual([]);
    expect(JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-o", "json"))).toBeNull();
    expect(await kindClusters()).toBe("");
    const after = await hk(["plan", "--sandbox", "--destroy", "--detailed-exitcode"], { cwd: dir, env });
    expect(after.code, said(after)).toBe(0);
  });
});
