// The issues' "done when", as a new user would try it: a fresh copy of the example config, the
// sandbox served in another "terminal", the real hcloud CLI, kubectl and the emulated kind looking
// at what hk made: the Talos snapshot and firewall, then the Cluster API bootstrap on kind, the
// pivot into the self-managed cluster, a scale-up without kind, and the destroy that leaves nothing.
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { KUBECTL, requireKubeTools } from "../support/kube-tools.js";
import { sandboxToolEnv } from "../../src/sandbox/tools-env.js";
import { until } from "../support/until.js";

// Every test here runs several hk processes, each taking seconds on a loaded machine: the suite's
// 60 s per test is not enough there, and a timeout is not what these tests are about.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
/** What a failed run said: the end of its output, for the assertion's message. */
const said = (r: { stdout: string; stderr: string }) => `${r.stdout.split("\n").slice(-30).join("\n")}\n${r.stderr}`;

describe("sandbox lifecycle of the example config", () => {
  const dir = tempDir("hk-lifecycle-");
  const env: Record<string, string> = { HOME: dir };
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;

  const kubectl = async (...args: string[]) => (await run(KUBECTL, ["--kubeconfig", join(dir, "state", "sandbox", "k8s.kubeconfig"), ...args], { env: { ...process.env, HOME: dir } })).stdout;
  const kindClusters = async () => (await run("kind", ["get", "clusters"], { env: { ...process.env, HOME: dir, ...sandboxToolEnv(join(dir, "state", "sandbox")) } })).stdout.trim();

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

  it("apply builds the snapshot and the firewall, bootstraps Cluster API on kind and pivots, with the cost in the plan", async () => {
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    // The preflight's warnings, nothing else: the load balancer's ports are open whatever the firewall says.
    expect(r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "))).toEqual([]);
    expect(r.stderr).toContain("load balancer exposure");
    expect(r.code, said(r)).toBe(0);
    expect(r.stdout).toMatch(/Cost estimate \(monthly\):/);
    expect(r.stdout).toMatch(/capi_cluster\.workload +CAPH: 3 × cx33, 3 primary IPv4, lb11 in nbg1/);
    expect(r.stdout).toContain("capi_pivot.workload: clusterctl move into the workload cluster");
    expect(r.stdout).toContain("Apply complete! Resources: 7 added, 0 changed, 2 destroyed.");
    expect(r.stdout).toMatch(/kubeconfig = ".*state\/sandbox\/k8s\.kubeconfig"/);
  });

  it("leaves a self-managed cluster: no kind cluster, three Ready nodes, the control plane's 3 ready replicas, the Cluster API objects in it", async () => {
    expect(await kindClusters()).toBe("");
    const tcp = JSON.parse(await kubectl("get", "taloscontrolplanes", "-A", "-o", "json")) as { items: Array<{ status: { readyReplicas: number; initialized: boolean } }> };
    expect(tcp.items.map((t) => [t.status.readyReplicas, t.status.initialized])).toEqual([[3, true]]);
    const nodes = JSON.parse(await kubectl("get", "nodes", "-o", "json")) as { items: Array<{ spec: { providerID?: string; taints?: unknown[] }; status: { conditions: Array<{ type: string; status: string }> } }> };
    expect(nodes.items).toHaveLength(3);
    for (const n of nodes.items) {
      expect(n.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
      expect(n.spec.providerID).toMatch(/^hcloud:\/\/\d+$/);
    }
    expect(await kubectl("get", "clusters.cluster.x-k8s.io", "-A", "-o", "jsonpath={.items[*].status.phase}")).toBe("Provisioned");
    const kubeconfigMode = (await run("stat", ["-c", "%a", join(dir, "state", "sandbox", "k8s.kubeconfig")])).stdout.trim();
    expect(kubeconfigMode).toBe("600");
  });

  it("the hcloud CLI sees them with the right labels, rules and selector", async () => {
    const images = JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-l", "os=talos", "-o", "json")) as Array<{ description: string; labels: Record<string, string> }>;
    expect(images).toHaveLength(1);
    expect(images[0]?.description).toBe("talos-amd64-v1.12.2");
    expect(images[0]?.labels).toMatchObject({ os: "talos", "talos-version": "v1.12.2", "caph-image-name": "talos-amd64-v1.12.2", "hk/stack": "k8s" });
    const fw = JSON.parse(await hcloud("firewall", "describe", "k8s-firewall", "-o", "json")) as {
      rules: Array<{ port: string | null; protocol: string; source_ips: string[] }>;
      applied_to: Array<{ type: string; label_selector?: { selector: string } }>;
      labels: Record<string, string>;
    };
    expect(fw.rules.filter((x) => x.protocol === "tcp").map((x) => [x.port, x.source_ips])).toEqual([
      ["6443", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
      ["50000", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
    ]);
    expect(fw.applied_to.map((a) => [a.type, a.label_selector?.selector])).toEqual([["label_selector", "caph-cluster-k8s=owned"]]);
    expect(fw.labels).toMatchObject({ "hk/stack": "k8s", "hk/address": "hcloud_firewall.cluster" });
    // CAPH's three servers, all covered by the firewall; the build server and its SSH key are gone.
    const servers = JSON.parse(await hcloud("server", "list", "-o", "json")) as Array<{ name: string; server_type: { name: string }; labels: Record<string, string> }>;
    expect(servers.map((x) => [x.server_type.name, x.labels["caph-cluster-k8s"]])).toEqual([["cx33", "owned"], ["cx33", "owned"], ["cx33", "owned"]]);
    expect((JSON.parse(await hcloud("load-balancer", "list", "-o", "json")) as unknown[]).length).toBe(1);
    expect((JSON.parse(await hcloud("network", "list", "-o", "json")) as unknown[]).length).toBe(1);
    expect((JSON.parse(await hcloud("placement-group", "list", "-o", "json")) as unknown[]).length).toBe(1);
    expect(JSON.parse(await hcloud("ssh-key", "list", "-o", "json"))).toBeNull();
  });

  it("plan --detailed-exitcode exits 0", async () => {
    const r = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    expect(r.stdout).toContain("No changes.");
  });

  it("labels CAPH looks the snapshot up by, changed behind hk's back, are drift put right in place", async () => {
    const [image] = JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-l", "os=talos", "-o", "json")) as Array<{ id: number }>;
    await hcloud("image", "remove-label", String(image?.id), "caph-image-name");
    await hcloud("image", "add-label", "--overwrite", String(image?.id), "os=other");
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("changed outside hk");
    expect(plan.stdout).toContain("~ hcloud_talos_image.talos");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    const fixed = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(fixed.code, said(fixed)).toBe(0);
    const found = JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-l", "caph-image-name=talos-amd64-v1.12.2,os=talos", "-o", "json")) as Array<{ id: number }>;
    expect(found.map((i) => i.id)).toEqual([image?.id]);
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("what a killed run made for itself (a build server and key) is deleted by the next apply", async () => {
    // As a build killed by a second Ctrl-C leaves them: labelled hk/temporary for this stack.
    await hcloud("ssh-key", "create", "--name", "hk-talos-build-dead", "--public-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x", "--label", "hk/temporary=image-build", "--label", "hk/stack=k8s");
    await hcloud("server", "create", "--name", "hk-talos-build-dead", "--type", "cx23", "--image", "debian-12", "--label", "hk/temporary=image-build", "--label", "hk/stack=k8s");
    await hcloud("ssh-key", "create", "--name", "someone-elses", "--public-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIrRSjAXMIQy1WSXj0RBWz0RdykRMvxq/FUBfHvQXIWU y", "--label", "hk/temporary=image-build", "--label", "hk/stack=other");
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("- hcloud_server.hk-talos-build-dead");
    expect(plan.stdout).toContain("- hcloud_ssh_key.hk-talos-build-dead");
    expect(plan.stdout).toContain("left by an interrupted hk run");
    expect(plan.stdout).toContain("Plan: 0 to add, 0 to change, 2 to destroy.");
    expect((await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env })).code).toBe(0);
    expect((JSON.parse(await hcloud("server", "list", "-o", "json")) as Array<{ name: string }>).map((x) => x.name).filter((n) => n.startsWith("hk-talos-build"))).toEqual([]);
    expect((JSON.parse(await hcloud("ssh-key", "list", "-o", "json")) as Array<{ name: string }>).map((k) => k.name)).toEqual(["someone-elses"]);
    await hcloud("ssh-key", "delete", "someone-elses");
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("a rule change plans one in-place update with the rule diff; a Talos bump plans the image replacement", async () => {
    const cfg = join(dir, "cluster.config.ts");
    const original = readFileSync(cfg, "utf8");
    writeFileSync(cfg, original.replace('"192.168.0.0/16"]', '"192.168.0.0/16", "203.0.113.0/24"]'));
    const rule = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(rule.code).toBe(2);
    expect(rule.stdout).toContain("~ hcloud_firewall.cluster");
    // Only the added element, with the others counted (the list diff of the plan view).
    expect(rule.stdout).toContain('rules.0.sourceIps: [\n          # (3 unchanged elements hidden)\n        + "203.0.113.0/24",\n      ]');
    expect(rule.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    writeFileSync(cfg, original.replace('version: "v1.12.2"', 'version: "v1.12.3"'));
    const bump = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(bump.code).toBe(2);
    expect(bump.stdout).toContain("+/- hcloud_talos_image.talos");
    expect(bump.stdout).toContain("# forces replacement: talosVersion");
    // The machines boot the new snapshot: CACPPT replaces them one at a time, without kind.
    expect(bump.stdout).toContain("~ capi_cluster.workload");
    expect(bump.stdout).not.toContain("kind_cluster.bootstrap");
    expect(bump.stdout).toContain("Plan: 1 to add, 1 to change, 1 to destroy.");
    writeFileSync(cfg, original);
  });

  it("replicas: 5 plans two more servers with their cost, and applies them to the self-managed cluster without kind", async () => {
    const cfg = join(dir, "cluster.config.ts");
    const original = readFileSync(cfg, "utf8");
    writeFileSync(cfg, original.replace("replicas: 3,", "replicas: 5,"));
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("→ 2 control-plane servers added (cx33, nbg1)");
    expect(plan.stdout).toContain("TalosControlPlane/k8s-control-plane spec.replicas: 3 → 5");
    expect(plan.stdout).toMatch(/\+ €[\d.]+\/month +capi_cluster\.workload +CAPH: 5 × cx33, 5 primary IPv4, lb11 in nbg1 \(was CAPH: 3 × cx33/);
    expect(plan.stdout).not.toContain("kind_cluster.bootstrap");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    const up = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(up.code, said(up)).toBe(0);
    expect((JSON.parse(await hcloud("server", "list", "-l", "caph-cluster-k8s=owned", "-o", "json")) as unknown[]).length).toBe(5);
    expect((await kubectl("get", "nodes", "-o", "name")).trim().split("\n")).toHaveLength(5);
    expect(await kindClusters()).toBe("");
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("destroy leaves nothing hk or the cluster made", async () => {
    // Something CAPH would have made, and something nobody asked hk about.
    await hcloud("placement-group", "create", "--name", "k8s-extra", "--type", "spread", "--label", "caph-cluster-k8s=owned");
    await hcloud("placement-group", "create", "--name", "not-ours", "--type", "spread");
    const r = await hk(["destroy", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, said(r)).toBe(0);
    expect(r.stdout).toContain("→ the reverse pivot");
    expect(r.stdout).toContain("capi_pivot.workload: clusterctl move back to the bootstrap cluster");
    expect(r.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    expect(r.stdout).toContain("Nothing is left: no object labelled for k8s remains.");
    expect(JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-o", "json"))).toBeNull();
    expect(JSON.parse(await hcloud("firewall", "list", "-o", "json"))).toBeNull();
    for (const what of ["server", "load-balancer", "network"]) expect(JSON.parse(await hcloud(what, "list", "-o", "json"))).toBeNull();
    expect(await kindClusters()).toBe("");
    expect((JSON.parse(await hcloud("placement-group", "list", "-o", "json")) as Array<{ name: string }>).map((p) => p.name)).toEqual(["not-ours"]);
  });

  // Twice the others' budget: every tenth request fails and is retried, on a machine that may be busy.
  it("gets through a full apply and destroy at a 10% fault rate", { timeout: 600_000 }, async () => {
    const faulty = tempDir("hk-faults-");
    copyFileSync(example, join(faulty, "cluster.config.ts"));
    const fenv = { HOME: faulty, HK_SANDBOX_FAULTS: "rate=0.1,seed=11" };
    const up = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: faulty, env: fenv });
    expect(up.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "))).toEqual([]);
    expect(up.code, said(up)).toBe(0);
    const down = await hk(["destroy", "--sandbox", "--auto-approve"], { cwd: faulty, env: fenv });
    expect(down.code, said(down)).toBe(0);
  });
});
