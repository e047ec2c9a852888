// The simulated CAPI core's MachineDeployment and MachineSet controllers on hk's worker-pool
// objects: machines made with their clones, scaling, the rolling replacement (surge 1, never a
// Ready node fewer), deletion (machines first), and a paused Cluster (clusterctl move's) left alone.
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { freshClientEnv, KUBECTL, requireKubeTools } from "../../../support/kube-tools.js";
import { kubeconfigPath } from "../caph/world.js";
import { until } from "../talos/world.js";
import { applyPool, BOOT, CAPI, INFRA, poolConfig, startPoolWorld, type PoolWorld } from "./pool-world.js";

let world: PoolWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

type Status = { replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number; unavailableReplicas?: number; phase?: string; observedGeneration?: number; conditions?: Array<{ type: string; status: string }> };
const md = (api: ClusterApi) => api.get(CAPI, "MachineDeployment", "default", "k8s-w");
const statusOf = (o: KubeObject | undefined) => (o?.status ?? {}) as Status;
const sets = (api: ClusterApi) => api.list(CAPI, "MachineSet", "default");
const machines = (api: ClusterApi) => api.list(CAPI, "Machine", "default");

/** The pool settled: `n` machines of one up-to-date set, all Ready, the MachineDeployment saying so for its generation. */
function settled(api: ClusterApi, n: number): KubeObject | undefined {
  const d = md(api);
  const s = statusOf(d);
  const ok = s.observedGeneration === d?.metadata.generation && s.replicas === n && s.updatedReplicas === n && s.readyReplicas === n && s.availableReplicas === n && s.unavailableReplicas === 0 && s.phase === "Running";
  return ok && machines(api).length === n ? d : undefined;
}

describe("simulated MachineDeployment and MachineSet", () => {
  it("makes a MachineSet and its machines with cloned TalosConfigs and HCloudMachines, and reports them Running", async () => {
    world = await startPoolWorld();
    const { api } = world;
    applyPool(api, poolConfig(2));
    const d = await until("the pool of 2 Running", () => settled(api, 2));
    expect(d.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Cluster", name: "k8s" });
    expect(d.metadata.finalizers).toContain("cluster.x-k8s.io/machinedeployment");
    expect(statusOf(d).conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    const [ms, ...more] = sets(api);
    expect(more).toEqual([]);
    const hash = ms?.metadata.labels?.["machine-template-hash"] ?? "";
    expect(ms?.metadata.name).toBe(`k8s-w-${hash}`);
    expect(hash).toMatch(/^[a-z0-9]{5}$/);
    expect(ms?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "MachineDeployment", name: "k8s-w", controller: true });
    expect(ms?.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { "cluster.x-k8s.io/deployment-name": "k8s-w", "machine-template-hash": hash } } });
    for (const m of machines(api)) {
      const name = m.metadata.name ?? "";
      expect(name).toMatch(new RegExp(`^k8s-w-${hash}-[a-z0-9]{5}$`));
      expect(m.metadata.labels).toMatchObject({ "cluster.x-k8s.io/cluster-name": "k8s", "cluster.x-k8s.io/deployment-name": "k8s-w", "cluster.x-k8s.io/set-name": ms?.metadata.name, "machine-template-hash": hash });
      expect(m.metadata.ownerReferences?.find((r) => r.controller)).toMatchObject({ kind: "MachineSet", name: ms?.metadata.name });
      expect(m.spec).toMatchObject({ version: "v1.32.2", failureDomain: "nbg1", bootstrap: { configRef: { kind: "TalosConfig", name }, dataSecretName: name }, infrastructureRef: { kind: "HCloudMachine", name } });
      expect((m.status as { nodeRef?: { name?: string } }).nodeRef?.name).toBe(name);
      const hm = api.get(INFRA, "HCloudMachine", "default", name);
      expect(hm?.spec).toMatchObject({ type: "cx33", imageName: "talos-img", providerID: expect.stringMatching(/^hcloud:\/\/\d+$/) as unknown });
      expect(hm?.metadata.annotations).toMatchObject({ "cluster.x-k8s.io/cloned-from-groupkind": "HCloudMachineTemplate.infrastructure.cluster.x-k8s.io", "cluster.x-k8s.io/cloned-from-name": (ms?.spec as { template: { spec: { infrastructureRef: { name: string } } } }).template.spec.infrastructureRef.name });
      expect(hm?.metadata.ownerReferences?.find((r) => r.controller)).toMatchObject({ kind: "Machine", name });
      const tc = api.get(BOOT, "TalosConfig", "default", name);
      expect(tc?.spec).toMatchObject({ generateType: "worker" });
      expect(tc?.metadata.annotations?.["cluster.x-k8s.io/cloned-from-groupkind"]).toBe("TalosConfigTemplate.bootstrap.cluster.x-k8s.io");
    }
    // The templates are the MachineDeployment's: clusterctl move carries them with it.
    for (const kind of [[INFRA, "HCloudMachineTemplate"], [BOOT, "TalosConfigTemplate"]] as const) {
      for (const t of api.list(kind[0], kind[1], "default")) expect(t.metadata.ownerReferences?.[0]).toMatchObject({ kind: "MachineDeployment", name: "k8s-w" });
    }
    requireKubeTools();
    const out = await execa(KUBECTL, ["--kubeconfig", kubeconfigPath(world.dir, "mgmt"), "get", "machinedeployments"], { env: await freshClientEnv() });
    expect(out.stdout).toMatch(/k8s-w\s+k8s\s+2\s+2\s+2\s+0\s+Running\s+\S+\s+v1\.32\.2/);
  });

  it("scales up and down in place, a machine marked for deletion going first", async () => {
    world = await startPoolWorld();
    const { api } = world;
    applyPool(api, poolConfig(2));
    await until("the pool of 2", () => settled(api, 2));
    const first = machines(api).map((m) => m.metadata.name ?? "");
    applyPool(api, poolConfig(3));
    await until("the pool of 3", () => settled(api, 3));
    expect(sets(api)).toHaveLength(1);
    const marked = api.get(CAPI, "Machine", "default", first[0] ?? "") as KubeObject;
    api.update({ ...marked, metadata: { ...marked.metadata, annotations: { ...marked.metadata.annotations, "cluster.x-k8s.io/delete-machine": "yes" } } }, "pool-test");
    applyPool(api, poolConfig(2));
    await until("the pool of 2 again", () => settled(api, 2));
    const left = machines(api).map((m) => m.metadata.name);
    expect(left).not.toContain(first[0]);
    expect(left).toContain(first[1]);
    applyPool(api, poolConfig(1));
    await until("the pool of 1", () => settled(api, 1));
    await until("the removed machines' nodes gone", () => world?.workload.list("v1", "Node").length === 1);
    expect(sets(api)).toHaveLength(1);
  });

  it("rolls a new server type one machine at a time, never with a Ready node fewer", async () => {
    world = await startPoolWorld();
    const { api } = world;
    applyPool(api, poolConfig(3));
    await until("the pool of 3", () => settled(api, 3));
    const before = new Set(machines(api).map((m) => m.metadata.name));
    const peaks = world.track();
    applyPool(api, poolConfig(3, "cx43"));
    await until("the pool rolled", () => settled(api, 3) && machines(api).every((m) => !before.has(m.metadata.name)));
    expect(peaks()).toEqual({ maxLive: 4, minReady: 3 });
    for (const m of machines(api)) expect(api.get(INFRA, "HCloudMachine", "default", m.metadata.name ?? "")?.spec).toMatchObject({ type: "cx43" });
    // The old set is kept scaled to nothing (revisionHistoryLimit 1), the new one is revision 2.
    const all = sets(api).map((s) => [(s.spec as { replicas: number }).replicas, s.metadata.annotations?.["machinedeployment.clusters.x-k8s.io/revision"]]);
    expect(all.sort()).toEqual([[0, "1"], [3, "2"]]);
  });

  it("puts a new node-role label on the pool's machines and nodes in place, without a rollout", async () => {
    world = await startPoolWorld();
    const { api, workload } = world;
    applyPool(api, poolConfig(2));
    await until("the pool of 2", () => settled(api, 2));
    const before = { sets: sets(api).map((s) => s.metadata.name), machines: machines(api).map((m) => m.metadata.name) };
    applyPool(api, poolConfig(2, "cx33", { labels: { "node-role.kubernetes.io/batch": "" } }));
    const labelled = (o: KubeObject) => o.metadata.labels?.["node-role.kubernetes.io/batch"] === "";
    await until("the label on both nodes", () => workload.list("v1", "Node").filter(labelled).length === 2);
    expect(machines(api).filter(labelled)).toHaveLength(2);
    expect({ sets: sets(api).map((s) => s.metadata.name), machines: machines(api).map((m) => m.metadata.name) }).toEqual(before);
  });

  it("deletes the machines, then the set, then the MachineDeployment", async () => {
    world = await startPoolWorld();
    const { api } = world;
    applyPool(api, poolConfig(2));
    await until("the pool of 2", () => settled(api, 2));
    const order: string[] = [];
    const stops = ["Machine", "MachineSet", "MachineDeployment"].map((kind) => api.watch(CAPI, kind, (e) => (e.type === "DELETED" ? order.push(kind) : undefined)));
    api.delete(CAPI, "MachineDeployment", "default", "k8s-w");
    await until("the MachineDeployment gone", () => !md(api));
    stops.forEach((s) => s());
    expect(order).toEqual(["Machine", "Machine", "MachineSet", "MachineDeployment"]);
    expect(api.list(INFRA, "HCloudMachine", "default")).toEqual([]);
  });

  it("a deleted Cluster takes its pools down first, and goes once they are gone", async () => {
    world = await startPoolWorld();
    const { api } = world;
    applyPool(api, poolConfig(2));
    await until("the pool of 2", () => settled(api, 2));
    const order: string[] = [];
    const stops = ["Machine", "MachineSet", "MachineDeployment", "Cluster"].map((kind) => api.watch(CAPI, kind, (e) => (e.type === "DELETED" ? order.push(kind) : undefined)));
    api.delete(CAPI, "Cluster", "default", "k8s");
    await until("the Cluster gone", () => !api.get(CAPI, "Cluster", "default", "k8s"));
    stops.forEach((s) => s());
    expect(order).toEqual(["Machine", "Machine", "MachineSet", "MachineDeployment", "Cluster"]);
    expect(world.workload.list("v1", "Node")).toEqual([]);
  });

  it("leaves a paused Cluster's pool alone, and adopts what clusterctl move created once it is unpaused", async () => {
    world = await startPoolWorld({ paused: true });
    const { api } = world;
    applyPool(api, poolConfig(2));
    await world.host.idle();
    expect(sets(api)).toEqual([]);
    expect(md(api)?.metadata.finalizers ?? []).toEqual([]);
    // What clusterctl move creates in the target, owners first, before it unpauses the Cluster.
    const d = md(api) as KubeObject;
    const tspec = (d.spec as { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } }).template;
    const ms = api.create({ apiVersion: CAPI, kind: "MachineSet", metadata: { name: "k8s-w-abcde", namespace: "default", labels: { ...tspec.metadata.labels, "machine-template-hash": "abcde", "cluster.x-k8s.io/cluster-name": "k8s" }, ownerReferences: [{ apiVersion: CAPI, kind: "MachineDeployment", name: "k8s-w", uid: d.metadata.uid ?? "", controller: true }] }, spec: { clusterName: "k8s", replicas: 2, selector: { matchLabels: { "cluster.x-k8s.io/deployment-name": "k8s-w", "machine-template-hash": "abcde" } }, template: { metadata: { labels: { ...tspec.metadata.labels, "machine-template-hash": "abcde" } }, spec: tspec.spec } } }, "clusterctl");
    for (const name of ["k8s-w-abcde-aaaaa", "k8s-w-abcde-bbbbb"]) {
      api.create({ apiVersion: BOOT, kind: "TalosConfig", metadata: { name, namespace: "default" }, spec: { generateType: "worker" } }, "clusterctl");
      api.create({ apiVersion: INFRA, kind: "HCloudMachine", metadata: { name, namespace: "default" }, spec: { type: "cx33", imageName: "talos-img" } }, "clusterctl");
      api.create({ apiVersion: CAPI, kind: "Machine", metadata: { name, namespace: "default", labels: { ...tspec.metadata.labels, "machine-template-hash": "abcde", "cluster.x-k8s.io/set-name": "k8s-w-abcde", "cluster.x-k8s.io/cluster-name": "k8s" }, ownerReferences: [{ apiVersion: CAPI, kind: "MachineSet", name: "k8s-w-abcde", uid: ms.metadata.uid ?? "", controller: true }] }, spec: { ...tspec.spec, bootstrap: { configRef: { apiVersion: BOOT, kind: "TalosConfig", name } }, infrastructureRef: { apiVersion: INFRA, kind: "HCloudMachine", name } } }, "clusterctl");
    }
    const peaks = world.track();
    const c = api.get(CAPI, "Cluster", "default", "k8s") as KubeObject;
    api.update({ ...c, spec: { ...(c.spec ?? {}), paused: false } }, "clusterctl");
    await until("the moved pool Running", () => settled(api, 2));
    expect(sets(api).map((s) => s.metadata.name)).toEqual(["k8s-w-abcde"]);
    expect(machines(api).map((m) => m.metadata.name).sort()).toEqual(["k8s-w-abcde-aaaaa", "k8s-w-abcde-bbbbb"]);
    expect(peaks().maxLive).toBe(2);
  });
});
