// What a destroy saves is what the cluster costs, each euro once, whichever way it comes down:
// through Cluster API (the Cluster takes CAPH's servers and load balancer with it, priced under
// capi_cluster) or directly when no management cluster answers (hk's sweep deletes them, priced
// there). A volume only the sweep deletes is counted in both. Plain view and --json agree.
import { execFile } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ControlClient } from "../../src/sandbox/clusters/control-client.js";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { until } from "../support/until.js";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.split("\n").slice(-30).join("\n")}\n${r.stderr}`;

interface CostLine {
  subject: string;
  monthly: number;
  sign: number;
  what: string;
}

describe("destroy's saving against the cluster's price", () => {
  const dir = tempDir("hk-destroy-costs-");
  const env: Record<string, string> = { HOME: dir };
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;
  /** The plan's cost lines, from --json (one event a line, the plan among them). */
  const costsOf = async (args: string[]): Promise<CostLine[]> => {
    const r = await hk([...args, "--sandbox", "--json"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    const plan = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { type: string; plan?: { costs: CostLine[] } }).find((e) => e.type === "plan");
    if (!plan?.plan) throw new Error(`no plan event in hk ${args.join(" ")} --json: ${said(r)}`);
    return plan.plan.costs;
  };
  const total = (lines: CostLine[]) => lines.reduce((n, c) => n + c.sign * c.monthly, 0);
  const of = (lines: CostLine[], subject: string) => lines.find((c) => c.subject === subject)?.monthly ?? Number.NaN;
  let applied: CostLine[] = [];
  let volume = 0;

  beforeAll(async () => {
    copyFileSync(example, join(dir, "cluster.config.ts"));
    serve = startHk(["sandbox", "serve"], { cwd: dir, env });
    let out = "";
    let ended = false;
    serve.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    void serve.done.then(() => (ended = true));
    await until("hk sandbox serve to print HCLOUD_ENDPOINT", () => /HCLOUD_ENDPOINT=(\S+)/.test(out), { failIf: () => (ended ? `it exited: ${out}` : undefined) });
    endpoint = /HCLOUD_ENDPOINT=(\S+)/.exec(out)?.[1] ?? "";
  });
  afterAll(async () => {
    serve.child.kill("SIGTERM");
    await serve.done;
  });

  it("applies the example, and a volume labelled for the stack is added by hand", async () => {
    applied = await costsOf(["plan"]);
    expect(applied.map((c) => c.subject).sort()).toEqual(["capi_cluster.workload", "hcloud_talos_image.talos"]);
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    await hcloud("volume", "create", "--name", "k8s-data", "--size", "10", "--location", "nbg1", "--label", "hk/stack=k8s");
  });

  it("through Cluster API: CAPH's servers and load balancer only under capi_cluster, the volume in the sweep", async () => {
    const lines = await costsOf(["plan", "--destroy"]);
    expect(lines.map((c) => c.subject).sort()).toEqual(["capi_cluster.workload", "hcloud_talos_image.talos", "hcloud_volume.k8s-data"]);
    expect(lines.every((c) => c.sign === -1)).toBe(true);
    expect(of(lines, "capi_cluster.workload")).toBe(of(applied, "capi_cluster.workload"));
    volume = of(lines, "hcloud_volume.k8s-data");
    expect(volume).toBeGreaterThan(0);
    // The apply priced the snapshot before it was built (an estimate); the destroy prices the real one.
    const cluster = total(applied) - of(applied, "hcloud_talos_image.talos");
    expect(-total(lines)).toBeCloseTo(cluster + of(lines, "hcloud_talos_image.talos") + volume, 6);
    const plain = await hk(["plan", "--destroy", "--sandbox"], { cwd: dir, env });
    expect(plain.code, said(plain)).toBe(0);
    expect(plain.stdout).not.toMatch(/- hcloud_(server|load_balancer|network|placement_group)\./);
    expect(plain.stdout).toContain("- hcloud_volume.k8s-data");
    expect(plain.stdout).toContain("CAPH removes its 3 servers, load balancer, network and placement group");
    expect(plain.stdout).toContain(`Net change: - €${(-total(lines)).toFixed(2)}/month`);
  });

  it("directly, when the workload cluster's API is gone: the sweep lists and prices CAPH's servers, with their IPv4, and nothing else does", async () => {
    // The seam of the broken-destroy test: the world deletes the workload cluster, its servers stay.
    const control = await ControlClient.open(join(dir, "state", "sandbox"));
    expect(await control.delete("k8s")).toBe(true);
    const lines = await costsOf(["plan", "--destroy"]);
    const servers = lines.filter((c) => c.subject.startsWith("hcloud_server."));
    expect(servers.map((c) => c.what)).toEqual(Array(3).fill("cx33 in nbg1, with its primary IPv4"));
    expect(lines.filter((c) => c.subject.startsWith("hcloud_load_balancer.")).map((c) => c.what)).toEqual(["lb11 in nbg1"]);
    expect(lines.map((c) => c.subject)).not.toContain("capi_cluster.workload");
    const cluster = total(applied) - of(applied, "hcloud_talos_image.talos");
    expect(-total(lines)).toBeCloseTo(cluster + of(lines, "hcloud_talos_image.talos") + volume, 6);
    const plain = await hk(["plan", "--destroy", "--sandbox"], { cwd: dir, env });
    expect(plain.code, said(plain)).toBe(0);
    expect(plain.stdout).toContain("so no Cluster API teardown");
    expect(plain.stdout).toContain(`Net change: - €${(-total(lines)).toFixed(2)}/month`);
  });
});
