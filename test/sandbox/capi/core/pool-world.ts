// A world for the worker-pool tests: the simulated CAPI core (and with `talos`, CABPT and the
// Talos boot) in a kind management cluster (CRDs and Deployments from the sandbox's clusterctl
// init), with a workload world cluster `k8s` and its kubeconfig Secret. Seam: CAPH (and without
// `talos`, CABPT and Talos) do not run; playProviders plays them as the core sees them — each
// HCloudMachine gets a providerID and ready, each TalosConfig its data Secret, and each server's
// Node joins the workload cluster Ready, a moment later (setImmediate). With `talos` the seam
// plays the Hetzner CCM instead: a Node that joins gets its server's providerID, taint lifted.
import { clusterConfigSchema, type ClusterConfig } from "../../../../src/config/schema.js";
import { clusterObject } from "../../../../src/resources/capi/manifests.js";
import { workerPoolObjects } from "../../../../src/resources/capi/workers.js";
import { coreProvider } from "../../../../src/sandbox/capi/core/index.js";
import { cabptProvider } from "../../../../src/sandbox/capi/talos/index.js";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { startCaphWorld, type CaphWorld } from "../caph/world.js";

export const CAPI = "cluster.x-k8s.io/v1beta1";
export const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
export const BOOT = "bootstrap.cluster.x-k8s.io/v1alpha3";
const M = "pool-test";

export interface PoolWorld extends CaphWorld {
  workload: ClusterApi;
  /** From now on: the most live (not deleting) Machines at once, and the fewest Ready Nodes. */
  track(): () => { maxLive: number; minReady: number };
}

export const poolConfig = (replicas: number, serverType = "cx33", extra: object = {}): ClusterConfig => clusterConfigSchema.parse({ name: "k8s", workers: [{ name: "w", serverType, replicas, ...extra }] });

export async function startPoolWorld(opts: { paused?: boolean; talos?: boolean } = {}): Promise<PoolWorld> {
  const { paused = false, talos = false } = opts;
  const world = await startCaphWorld(talos ? [coreProvider, cabptProvider] : [coreProvider]);
  const { api, clusters } = world;
  await clusters.create({ name: "k8s", kind: "workload", serverVersion: "v1.33.1", nodes: [] });
  const workload = clusters.api("k8s");
  if (!workload) throw new Error("workload cluster k8s has no API");
  api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "k8s-kubeconfig", namespace: "default", labels: { "cluster.x-k8s.io/cluster-name": "k8s" } }, type: "cluster.x-k8s.io/secret", data: { value: Buffer.from(clusters.kubeconfig("k8s") ?? "").toString("base64") } }, M);
  const cluster = clusterObject(poolConfig(1)) as unknown as KubeObject;
  // The endpoint CAPH would take from the load balancer: CABPT writes it into the machine configs.
  api.create({ ...cluster, spec: { ...(cluster.spec ?? {}), controlPlaneEndpoint: { host: "198.51.100.7", port: 6443 }, ...(paused ? { paused: true } : {}) } }, M);
  const seam = playProviders(api, workload, talos);
  return {
    ...world,
    workload,
    track: seam.track,
    async close() {
      seam.stop();
      await world.close();
    },
  };
}

/** hk's objects for the pool (templates, then the MachineDeployment), applied as hk would. */
export function applyPool(api: ClusterApi, config: ClusterConfig): void {
  for (const o of workerPoolObjects(config, "talos-img") as unknown as KubeObject[]) {
    const live = api.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name ?? "");
    if (live) api.update({ ...live, spec: o.spec }, M);
    else api.create(o, M);
  }
}

const readyNodes = (workload: ClusterApi) => workload.list("v1", "Node").filter((n) => (n.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
const liveMachines = (api: ClusterApi) => api.list(CAPI, "Machine", "default").filter((m) => !m.metadata.deletionTimestamp).length;

function playProviders(api: ClusterApi, workload: ClusterApi, talos: boolean): { track: PoolWorld["track"]; stop(): void } {
  let serverId = 500;
  let maxLive = 0;
  let minReady = Infinity;
  const later = (f: () => void) => setImmediate(() => {
    try {
      f();
    } catch {
      // the object changed meanwhile: its next event plays it again
    }
  });
  const stops = [
    api.watch(INFRA, "HCloudMachine", (e) => {
      if (e.type === "DELETED" || e.object.metadata.deletionTimestamp || (e.object.status as { ready?: boolean } | undefined)?.ready) return;
      later(() => {
        const cur = api.get(INFRA, "HCloudMachine", "default", e.object.metadata.name ?? "");
        if (!cur || (cur.status as { ready?: boolean } | undefined)?.ready) return;
        const id = ++serverId;
        const withId = api.update({ ...cur, spec: { ...(cur.spec as object), providerID: `hcloud://${id}` } }, M);
        api.update({ ...withId, status: { ready: true, addresses: [{ type: "InternalIP", address: `10.0.0.${id % 250}` }] } }, M, { subresource: "status" });
        // Talos boots and the kubelet registers the Node, Ready (the CNI runs already).
        if (!talos) later(() => {
          const node = workload.create({ apiVersion: "v1", kind: "Node", metadata: { name: cur.metadata.name ?? "" }, spec: { providerID: `hcloud://${id}` } }, "kubelet");
          workload.update({ ...node, status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady" }] } }, "kubelet", { subresource: "status" });
        });
      });
    }),
    api.watch(BOOT, "TalosConfig", (e) => {
      if (talos || e.type === "DELETED" || (e.object.status as { ready?: boolean } | undefined)?.ready) return;
      later(() => {
        const cur = api.get(BOOT, "TalosConfig", "default", e.object.metadata.name ?? "");
        if (!cur || (cur.status as { ready?: boolean } | undefined)?.ready) return;
        if (!api.get("v1", "Secret", "default", cur.metadata.name ?? "")) api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: cur.metadata.name ?? "", namespace: "default" }, data: { value: Buffer.from("machine: {}").toString("base64") } }, M);
        api.update({ ...cur, status: { ready: true, dataSecretName: cur.metadata.name } }, M, { subresource: "status" });
      });
    }),
    api.watch(CAPI, "Machine", () => {
      maxLive = Math.max(maxLive, liveMachines(api));
    }),
    workload.watch("v1", "Node", (e) => {
      minReady = Math.min(minReady, readyNodes(workload));
      if (!talos || e.type !== "ADDED") return;
      later(() => {
        const node = workload.get("v1", "Node", undefined, e.object.metadata.name ?? "");
        const providerID = (api.get(INFRA, "HCloudMachine", "default", e.object.metadata.name ?? "")?.spec as { providerID?: string } | undefined)?.providerID;
        if (!node || !providerID) return;
        const taints = ((node.spec as { taints?: Array<{ key: string }> } | undefined)?.taints ?? []).filter((t) => t.key !== "node.cloudprovider.kubernetes.io/uninitialized");
        workload.update({ ...node, spec: { ...(node.spec as object), providerID, taints } }, "hcloud-cloud-controller-manager");
      });
    }),
  ];
  return {
    track: () => {
      maxLive = liveMachines(api);
      minReady = readyNodes(workload);
      return () => ({ maxLive, minReady });
    },
    stop: () => stops.forEach((s) => s()),
  };
}
