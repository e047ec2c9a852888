// A worker pool through the whole lifecycle, as a user would run it: the example config with one
// pool of two cx33, the sandbox served in another "terminal", kubectl (through the kubeconfig
// `hk output` names) and the real hcloud CLI looking at what the simulated MachineDeployment made;
// then a scale-up, a server type change that rolls the pool, the pool removed, and a destroy that
// leaves nothing.
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { KUBECTL, requireKubeTools } from "../support/kube-tools.js";
import { until } from "../support/until.js";

// Each test runs hk processes that take seconds to minutes on a loaded machine.
vi.setConfig({ testTimeout: 400_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.split("\n").slice(-30).join("\n")}\n${r.stderr}`;

type Server = { name: string; server_type: { name: string }; labels: Record<string, string> };
type Node = { metadata: { name: string; labels: Record<string, string> }; spec: { providerID?: string; taints?: Array<{ key: string }> }; status: { conditions: Array<{ type: string; status: string }> } };

describe("sandbox lifecycle of a worker pool", () => {
  const dir = tempDir("hk-workers-");
  const env: Record<string, string> = { HOME: dir };
  const cfg = join(dir, "cluster.config.ts");
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  let kubeconfig = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;
  const kubectl = async (...args: string[]) => (await run(KUBECTL, ["--kubeconfig", kubeconfig, ...args], { env: { ...process.env, HOME: dir } })).stdout;
  const servers = async (selector: string) => JSON.parse(await hcloud("server", "list", "-l", selector, "-o", "json")) as Server[] | null;
  const nodes = async () => (JSON.parse(await kubectl("get", "nodes", "-o", "json")) as { items: Node[] }).items;
  const ready = (n: Node) => n.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
  const withPool = (replicas: number, serverType = "cx33") =>
    writeFileSync(cfg, readFileSync(example, "utf8").replace("  network: {", `  workers: [{ name: "w", serverType: "${serverType}", replicas: ${replicas} }],\n  network: {`));

  beforeAll(async () => {
    requireKubeTools();
    copyFileSync(example, cfg);
    withPool(2);
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

  it("apply makes the pool: five Ready nodes, two of them workers on servers labelled machine_type=worker", async () => {
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    expect(r.stdout).toContain("worker pool w added: 2 × cx33");
    const out = await hk(["output", "kubeconfig", "--sandbox"], { cwd: dir, env });
    expect(out.code, said(out)).toBe(0);
    kubeconfig = out.stdout.trim();
    const all = await nodes();
    expect(all.filter(ready)).toHaveLength(5);
    const workers = all.filter((n) => n.metadata.labels["node-role.kubernetes.io/control-plane"] === undefined);
    expect(workers.map((n) => n.metadata.name)).toEqual([expect.stringMatching(/^k8s-w-[a-z0-9]{5}-[a-z0-9]{5}$/), expect.stringMatching(/^k8s-w-[a-z0-9]{5}-[a-z0-9]{5}$/)]);
    for (const n of workers) {
      expect(n.spec.providerID).toMatch(/^hcloud:\/\/\d+$/);
      expect((n.spec.taints ?? []).map((t) => t.key)).not.toContain("node.cloudprovider.kubernetes.io/uninitialized");
      expect(n.metadata.labels).toMatchObject({ "node.kubernetes.io/instance-type": "cx33", "kubernetes.io/os": "linux" });
    }
    expect(await servers("caph-cluster-k8s=owned")).toHaveLength(5);
    const w = (await servers("machine_type=worker")) ?? [];
    expect(w.map((s) => s.name).sort()).toEqual(workers.map((n) => n.metadata.name).sort());
    expect(await kubectl("get", "machinedeployments", "-A", "-o", "jsonpath={.items[*].status.phase}")).toBe("Running");
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("replicas: 3 adds a worker", async () => {
    withPool(3);
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(2);
    expect(plan.stdout).toContain("worker pool w: 1 × cx33 added (2 → 3)");
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    expect((await nodes()).filter(ready)).toHaveLength(6);
    expect(await servers("machine_type=worker")).toHaveLength(3);
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("a server type change rolls the pool: the plan says so, and after the apply its three servers are cx43", async () => {
    const before = ((await servers("machine_type=worker")) ?? []).map((s) => s.name);
    withPool(3, "cx43");
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(2);
    expect(plan.stdout).toContain("workers of pool w replaced one at a time (server type cx33 → cx43)");
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    const after = (await servers("machine_type=worker")) ?? [];
    expect(after.map((s) => s.server_type.name)).toEqual(["cx43", "cx43", "cx43"]);
    for (const s of after) expect(before).not.toContain(s.name);
    const all = await nodes();
    expect(all.filter(ready)).toHaveLength(6);
    expect(all.filter((n) => n.metadata.labels["node.kubernetes.io/instance-type"] === "cx43")).toHaveLength(3);
    expect(await servers("caph-cluster-k8s=owned")).toHaveLength(6);
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("removing the pool deletes its servers and nodes", async () => {
    copyFileSync(example, cfg);
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(2);
    expect(plan.stdout).toContain("worker pool w removed: 3 servers deleted");
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    expect(await servers("machine_type=worker")).toBeNull();
    expect((await nodes()).filter(ready)).toHaveLength(3);
    expect(await kubectl("get", "machinedeployments,machinesets", "-A", "-o", "name")).toBe("");
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("destroy leaves nothing", async () => {
    const r = await hk(["destroy", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    for (const what of ["server", "load-balancer", "network", "placement-group", "firewall"]) expect(JSON.parse(await hcloud(what, "list", "-o", "json")), what).toBeNull();
    expect(JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-o", "json"))).toBeNull();
  });
});
