// The simulated CABPT and CACPPT end to end, with the test in CAPH's and core's place: machines
// one at a time, the Secrets and initialized as the gate, the workload cluster reached by real
// kubectl with the kubeconfig from its Secret, Ready only after cilium, scaling and a roll.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/sandbox/kube/types.js";
import { freshClientEnv, KUBECTL, requireKubeTools } from "../../../support/kube-tools.js";
import { applyControlPlane, CAPI, CP, startTalosWorld, until, type TalosWorld } from "./world.js";

const TCP = "k8s-control-plane";
const secret = (w: TalosWorld, name: string, key: string) => Buffer.from(String((w.api.get("v1", "Secret", "default", name)?.data as Record<string, string> | undefined)?.[key] ?? ""), "base64").toString("utf8");
const tcpStatus = (w: TalosWorld) => (w.api.get(CP, "TalosControlPlane", "default", TCP)?.status ?? {}) as Record<string, unknown>;
const machines = (w: TalosWorld) => w.api.list(CAPI, "Machine", "default", `cluster.x-k8s.io/control-plane-name=${TCP}`);
const ready = (n: KubeObject) => ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

describe("simulated Talos providers", () => {
  let w: TalosWorld;
  const early: string[] = [];
  beforeAll(async () => {
    requireKubeTools();
    w = await startTalosWorld();
    // One at a time: when a Machine is made, every older one already has its Node.
    w.api.watch(CAPI, "Machine", (e) => {
      if (e.type !== "ADDED") return;
      const older = machines(w).filter((m) => m.metadata.name !== e.object.metadata.name && !m.metadata.deletionTimestamp);
      const nodes = new Set((w.clusters.api("k8s")?.list("v1", "Node") ?? []).map((n) => n.metadata.name));
      for (const m of older) if (!nodes.has(m.metadata.name)) early.push(`${e.object.metadata.name ?? ""} made before ${m.metadata.name ?? ""} had a Node`);
    });
    applyControlPlane(w.api, 3);
  }, 120_000);
  afterAll(async () => w?.close());

  it("bootstraps the first machine, writes the Secrets, and serves the workload cluster to kubectl", async () => {
    await until("TalosControlPlane initialized", () => tcpStatus(w).initialized === true);
    expect(tcpStatus(w).readyReplicas ?? 0).toBe(0);
    const kubeconfig = secret(w, "k8s-kubeconfig", "value");
    expect(kubeconfig).toContain("admin@k8s");
    expect(w.api.get("v1", "Secret", "default", "k8s-kubeconfig")?.metadata.labels?.["cluster.x-k8s.io/cluster-name"]).toBe("k8s");
    const talosconfig = parse(secret(w, "k8s-talosconfig", "talosconfig")) as { context: string; contexts: Record<string, { endpoints: string[] }> };
    expect(talosconfig.context).toBe("k8s");
    expect(talosconfig.contexts.k8s?.endpoints[0]).toMatch(/^203\.0\.113\./);
    expect(w.clusters.get("k8s")?.kind).toBe("workload");

    const m = machines(w)[0]!;
    const tc = w.api.get("bootstrap.cluster.x-k8s.io/v1alpha3", "TalosConfig", "default", m.metadata.name ?? "");
    expect(tc?.status).toMatchObject({ ready: true, dataSecretName: m.metadata.name });
    const config = parse(secret(w, m.metadata.name ?? "", "value")) as { machine: { type: string }; cluster: { clusterName: string; controlPlane: { endpoint: string } } };
    expect(config.machine.type).toBe("controlplane");
    expect(config.cluster).toMatchObject({ clusterName: "k8s", controlPlane: { endpoint: "https://198.51.100.7:6443" } });
    const size = Buffer.byteLength(secret(w, m.metadata.name ?? "", "value"));
    expect(size).toBeGreaterThan(4_000);
    expect(size).toBeLessThan(32 * 1024);

    await until("a Node registered", () => (w.clusters.api("k8s")?.list("v1", "Node").length ?? 0) > 0);
    const file = join(w.dir, "k8s.kubeconfig");
    await writeFile(file, kubeconfig, { mode: 0o600 });
    const out = await execa(KUBECTL, ["--kubeconfig", file, "get", "nodes", "-o", "wide"], { env: await freshClientEnv(), extendEnv: false });
    expect(out.stdout).toMatch(new RegExp(`${m.metadata.name ?? ""}\\s+NotReady\\s+control-plane`));
  }, 60_000);

  it("makes the machines one at a time, Ready only once a cilium DaemonSet runs", async () => {
    const wl = w.clusters.api("k8s")!;
    await until("3 Nodes", () => wl.list("v1", "Node").length === 3);
    expect(early).toEqual([]);
    const node = wl.list("v1", "Node")[0]!;
    expect(node.metadata.labels).toMatchObject({ "node-role.kubernetes.io/control-plane": "", "kubernetes.io/os": "linux" });
    expect(node.spec).toMatchObject({ taints: [{ key: "node.cloudprovider.kubernetes.io/uninitialized", effect: "NoSchedule" }] });
    expect((node.status as { nodeInfo: { kubeletVersion: string } }).nodeInfo.kubeletVersion).toBe((w.api.get(CP, "TalosControlPlane", "default", TCP)?.spec as { version: string }).version);
    expect(wl.list("v1", "Node").some(ready)).toBe(false);
    wl.create({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "cilium", namespace: "kube-system" }, spec: { selector: { matchLabels: { app: "cilium" } }, template: { metadata: { labels: { app: "cilium" } }, spec: { containers: [{ name: "agent", image: "quay.io/cilium/cilium:v1.17.6" }] } } } }, "test");
    await until("3 Ready Nodes", () => wl.list("v1", "Node").every(ready) || undefined);
    await until("readyReplicas 3", () => tcpStatus(w).readyReplicas === 3 && tcpStatus(w).ready === true);
    const talosconfig = parse(secret(w, "k8s-talosconfig", "talosconfig")) as { contexts: Record<string, { endpoints: string[] }> };
    expect(talosconfig.contexts.k8s?.endpoints).toHaveLength(3);
  }, 60_000);

  it("scales 3 to 5, then rolls a version change never above replicas+1 machines", async () => {
    const tcp = w.api.get(CP, "TalosControlPlane", "default", TCP)!;
    w.api.update({ ...tcp, spec: { ...(tcp.spec as object), replicas: 5 } }, "test");
    await until("5 ready replicas", () => tcpStatus(w).readyReplicas === 5 && machines(w).length === 5);
    expect(early).toEqual([]);
    const before = new Set(machines(w).map((m) => m.metadata.name));
    const maxBefore = w.maxMachines();
    expect(maxBefore).toBe(5);
    const t2 = w.api.get(CP, "TalosControlPlane", "default", TCP)!;
    w.api.update({ ...t2, spec: { ...(t2.spec as object), version: "v1.33.4" } }, "test");
    await until("every machine at v1.33.4 and ready", () => {
      const ms = machines(w);
      return ms.length === 5 && ms.every((m) => (m.spec as { version: string }).version === "v1.33.4") && tcpStatus(w).readyReplicas === 5;
    }, 90_000);
    expect(machines(w).some((m) => before.has(m.metadata.name))).toBe(false);
    expect(w.maxMachines()).toBe(6);
  }, 120_000);

  it("leaves a paused cluster's control plane alone, and takes it up again when unpaused", async () => {
    const setPaused = (paused: boolean) => {
      const c = w.api.get(CAPI, "Cluster", "default", "k8s")!;
      w.api.update({ ...c, spec: { ...(c.spec as object), paused } }, "test");
    };
    setPaused(true);
    const tcp = w.api.get(CP, "TalosControlPlane", "default", TCP)!;
    w.api.update({ ...tcp, spec: { ...(tcp.spec as object), replicas: 4 } }, "test");
    await w.host.idle();
    expect(machines(w)).toHaveLength(5);
    setPaused(false);
    await until("4 machines once unpaused", () => machines(w).length === 4 && tcpStatus(w).replicas === 4);
  }, 60_000);

  it("deletes the machines, then the workload cluster, then lets the TalosControlPlane go", async () => {
    w.api.delete(CP, "TalosControlPlane", "default", TCP);
    await until("the TalosControlPlane gone", () => !w.api.get(CP, "TalosControlPlane", "default", TCP));
    expect(machines(w)).toEqual([]);
    expect(w.clusters.get("k8s")).toBeUndefined();
  }, 60_000);
});
