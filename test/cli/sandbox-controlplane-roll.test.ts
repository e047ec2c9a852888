// A control-plane server type change really rolls the control plane: the HCloudMachineTemplate is
// named by its spec, so cx33 → cx43 is a new template, CACPPT replaces the machines one at a time,
// the old template goes after the roll and the next plan is empty. A cluster an older hk made (its
// template named k8s-control-plane) plans nothing until its spec changes. Checked with the real
// hcloud CLI and kubectl against the served sandbox.
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { KUBECTL, requireKubeTools } from "../support/kube-tools.js";
import { until } from "../support/until.js";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.split("\n").slice(-30).join("\n")}\n${r.stderr}`;
const LEGACY = "k8s-control-plane";

interface Obj {
  metadata: { name: string; annotations?: Record<string, string>; deletionTimestamp?: string } & Record<string, unknown>;
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

describe("control-plane server type change in the sandbox", () => {
  const dir = tempDir("hk-cp-roll-");
  const env: Record<string, string> = { HOME: dir };
  const state = join(dir, "state", "sandbox");
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;
  const kubectl = async (...args: string[]) => (await run(KUBECTL, ["--kubeconfig", join(state, "k8s.kubeconfig"), ...args], { env: { ...process.env, HOME: dir } })).stdout;
  const items = async (kind: string) => (JSON.parse(await kubectl("get", kind, "-n", "default", "-o", "json")) as { items: Obj[] }).items;
  const templates = async () => (await items("hcloudmachinetemplates")).map((t) => t.metadata.name).sort();
  const tcpRef = async () => ((await items("taloscontrolplanes"))[0]?.spec.infrastructureTemplate as { name: string }).name;
  let hashed = "";

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
  });
  afterAll(async () => {
    serve.child.kill("SIGTERM");
    await serve.done;
  });

  it("apply makes the control plane from a template named by its spec", async () => {
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    hashed = (await templates())[0] ?? "";
    expect(await templates()).toEqual([hashed]);
    expect(hashed).toMatch(/^k8s-control-plane-[0-9a-f]{10}$/);
    expect(await tcpRef()).toBe(hashed);
  });

  it("a cluster an older hk made, its template named k8s-control-plane, plans no change", async () => {
    // What the previous hk left: the same spec under the fixed name, the control plane on it.
    const [current] = (await items("hcloudmachinetemplates")).filter((t) => t.metadata.name === hashed);
    const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, generation: _g, ...meta } = current!.metadata;
    writeFileSync(join(dir, "legacy.json"), JSON.stringify({ ...current, metadata: { ...meta, name: LEGACY } }));
    await kubectl("create", "-f", join(dir, "legacy.json"));
    await kubectl("patch", "taloscontrolplane", "k8s-control-plane", "-n", "default", "--type", "merge", "-p", JSON.stringify({ spec: { infrastructureTemplate: { name: LEGACY } } }));
    let seen = "";
    await until("CACPPT to roll the control plane onto k8s-control-plane", async () => {
      const machines = (await items("hcloudmachines")).filter((m) => !m.metadata.deletionTimestamp);
      const tcp = (await items("taloscontrolplanes"))[0];
      const from = machines.map((m) => m.metadata.annotations?.["cluster.x-k8s.io/cloned-from-name"]);
      seen = `${from.join(", ")}; ${tcp?.status?.readyReplicas ?? 0} ready`;
      return machines.length === 3 && from.every((n) => n === LEGACY) && tcp?.status?.readyReplicas === 3;
    }).catch((err: Error) => Promise.reject(new Error(`${err.message} (last seen: ${seen})`)));
    await kubectl("delete", "hcloudmachinetemplate", hashed, "-n", "default");
    const file = join(state, "hk.state.json");
    writeFileSync(file, readFileSync(file, "utf8").replaceAll(hashed, LEGACY));
    expect(await templates()).toEqual([LEGACY]);

    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(0);
    expect(plan.stdout).toContain("No changes.");
  });

  it("an apply of another change there keeps the older hk's template: no machine replaced", async () => {
    const machines = async () => (await items("hcloudmachines")).map((m) => m.metadata.name).sort();
    const before = await machines();
    // Drift in an object hk applied: put right by an update of the same objects.
    await kubectl("patch", "machinehealthcheck", "k8s-control-plane-mhc", "-n", "default", "--type", "merge", "-p", JSON.stringify({ spec: { maxUnhealthy: 2 } }));
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(2);
    expect(plan.stdout).toContain("MachineHealthCheck/k8s-control-plane-mhc spec.maxUnhealthy: 2 → 1");
    expect(plan.stdout).not.toContain("replaced one at a time");
    const up = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(up.code, said(up)).toBe(0);
    expect(await templates()).toEqual([LEGACY]);
    expect(await tcpRef()).toBe(LEGACY);
    expect(await machines()).toEqual(before);
    const again = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(again.code, said(again)).toBe(0);
  });

  it("controlPlane.serverType cx43 plans the roll with its price, and applies it: three cx43 servers, Ready nodes, the old template gone", async () => {
    const cfg = join(dir, "cluster.config.ts");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace('controlPlane: { replicas: 3, serverType: "cx33"', 'controlPlane: { replicas: 3, serverType: "cx43"'));
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code, said(plan)).toBe(2);
    expect(plan.stdout).toContain("~ capi_cluster.workload");
    expect(plan.stdout).toContain("→ control-plane nodes replaced one at a time (server type cx33 → cx43)");
    // From the name the state has for the template the cluster runs on (of the same spec) to the new one.
    expect(plan.stdout).toMatch(/HCloudMachineTemplate\/k8s-control-plane-[0-9a-f]{10} metadata\.name: "k8s-control-plane(-[0-9a-f]{10})?" → "k8s-control-plane-[0-9a-f]{10}"/);
    expect(plan.stdout).toMatch(/TalosControlPlane\/k8s-control-plane spec\.infrastructureTemplate\.name: "k8s-control-plane(-[0-9a-f]{10})?" → "k8s-control-plane-[0-9a-f]{10}"/);
    expect(plan.stdout).toMatch(/\+ €[\d.]+\/month +capi_cluster\.workload +CAPH: 3 × cx43, 3 primary IPv4, lb11 in nbg1 \(was CAPH: 3 × cx33, 3 primary IPv4, lb11 in nbg1\)/);
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");

    // Watched while it runs: one new server at a time (maxSurge 1), never more than replicas + 1.
    const apply = startHk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    let finished = false;
    void apply.done.then(() => (finished = true));
    let most = 0;
    await until("hk apply of cx43 to end", async () => {
      const res = await fetch(`${endpoint}/servers?label_selector=${encodeURIComponent("caph-cluster-k8s=owned")}`, { headers: { Authorization: "Bearer any" } });
      most = Math.max(most, ((await res.json()) as { servers: unknown[] }).servers.length);
      return finished;
    }, { timeoutMs: 240_000, everyMs: 20 });
    const up = await apply.done;
    expect(up.code, said(up)).toBe(0);
    expect(most).toBe(4);
    const servers = JSON.parse(await hcloud("server", "list", "-l", "caph-cluster-k8s=owned", "-o", "json")) as Array<{ name: string; server_type: { name: string } }>;
    expect(servers.map((s) => s.server_type.name)).toEqual(["cx43", "cx43", "cx43"]);
    const nodes = (JSON.parse(await kubectl("get", "nodes", "-o", "json")) as { items: Array<Obj & { status: { conditions: Array<{ type: string; status: string }> } }> }).items;
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(servers.map((s) => s.name).sort());
    for (const n of nodes) expect(n.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    const [now] = await templates();
    expect(await templates()).toEqual([now]);
    expect(now).toMatch(/^k8s-control-plane-[0-9a-f]{10}$/);
    expect(now).not.toBe(hashed);
    expect(await tcpRef()).toBe(now);

    const again = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(again.code, said(again)).toBe(0);
    expect(again.stdout).toContain("No changes.");
  });
});
