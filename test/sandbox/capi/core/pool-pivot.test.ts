// A worker pool across the sandbox's clusterctl move: the MachineDeployment, its MachineSet and
// Machines (and their clones and templates, through the owner references the core sets) go to
// the new management cluster, whose core takes them over once the Cluster is unpaused: nothing is
// made twice, no node is lost, and the source keeps nothing of the pool.
import { afterEach, describe, expect, it } from "vitest";
import { hetznerClusterObject, machineTemplateObject, talosControlPlaneObject } from "../../../../src/resources/capi/manifests.js";
import { move } from "../../../../src/sandbox/clusterctl/move.js";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { initCluster, kubeconfigPath } from "../caph/world.js";
import { until } from "../talos/world.js";
import { applyPool, BOOT, CAPI, INFRA, poolConfig, startPoolWorld, type PoolWorld } from "./pool-world.js";

let world: PoolWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const M = "pool-test";
type Status = { phase?: string; readyReplicas?: number; infrastructureReady?: boolean; controlPlaneReady?: boolean; conditions?: Array<{ type: string; status: string }> };
const statusOf = (o: KubeObject | undefined) => (o?.status ?? {}) as Status;
const names = (api: ClusterApi, apiVersion: string, kind: string) => api.list(apiVersion, kind, "default").map((o) => o.metadata.name ?? "").sort();

describe("a simulated worker pool across clusterctl move", () => {
  it("is taken over by the target's core without a machine made twice or a node lost", async () => {
    world = await startPoolWorld();
    const { api, workload } = world;
    const target = await initCluster(world.dir, world.clusters, "target");
    const config = poolConfig(2);
    // What CAPH and CACPPT would report (seam): infrastructure and control plane ready, so the Cluster is provisioned and the move may start.
    for (const [o, status] of [[hetznerClusterObject(config), { ready: true }], [talosControlPlaneObject(config, machineTemplateObject(config, "talos-img")), { initialized: true, ready: true }]] as const) {
      const made = api.create(o as unknown as KubeObject, M);
      api.update({ ...made, status }, M, { subresource: "status" });
    }
    applyPool(api, config);
    await until("the pool Running and the Cluster provisioned", () => {
      const c = statusOf(api.get(CAPI, "Cluster", "default", "k8s"));
      return statusOf(api.get(CAPI, "MachineDeployment", "default", "k8s-w")).phase === "Running" && c.infrastructureReady === true && c.controlPlaneReady === true;
    });
    const pool = (on: ClusterApi) => ({
      sets: names(on, CAPI, "MachineSet"),
      machines: names(on, CAPI, "Machine"),
      infra: names(on, INFRA, "HCloudMachine"),
      configs: names(on, BOOT, "TalosConfig"),
      templates: [...names(on, INFRA, "HCloudMachineTemplate"), ...names(on, BOOT, "TalosConfigTemplate")],
    });
    const before = pool(api);
    expect(before.templates).toHaveLength(2);
    expect(before.machines).toHaveLength(2);
    let maxLive = 0;
    const stop = target.watch(CAPI, "Machine", () => (maxLive = Math.max(maxLive, target.list(CAPI, "Machine", "default").filter((m) => !m.metadata.deletionTimestamp).length)));

    await move({ kubeconfig: kubeconfigPath(world.dir, "mgmt"), toKubeconfig: kubeconfigPath(world.dir, "target"), namespace: "default", dryRun: false }, { env: {}, stdout: () => {}, stderr: () => {} });
    await until("the moved pool Running in the target", () => statusOf(target.get(CAPI, "MachineDeployment", "default", "k8s-w")).phase === "Running" && statusOf(target.get(CAPI, "MachineDeployment", "default", "k8s-w")).readyReplicas === 2);
    await world.host.idle();
    stop();
    expect(pool(target)).toEqual(before);
    expect(maxLive).toBe(2);
    for (const kind of ["MachineDeployment", "MachineSet", "Machine"]) expect(api.list(CAPI, kind, "default"), kind).toEqual([]);
    expect(workload.list("v1", "Node").map((n) => n.metadata.name).sort()).toEqual(before.machines);
  });
});
