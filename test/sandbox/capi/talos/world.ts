// A world for the Talos provider tests: a kind management cluster with the providers installed by
// the sandbox's clusterctl init and a CAPI host running only CABPT and CACPPT. The test plays CAPH
// and CAPI core at one named seam (playInfraAndCore): each HCloudMachine gets a providerID, its
// addresses and ready, and each Machine its bootstrap dataSecretName, as those controllers would.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterConfigSchema } from "../../../../src/config/schema.js";
import { clusterObject, machineTemplateObject, talosControlPlaneObject } from "../../../../src/resources/capi/manifests.js";
import { startCapiHost, type CapiHost } from "../../../../src/sandbox/capi/host.js";
import { cabptProvider, cacpptProvider } from "../../../../src/sandbox/capi/talos/index.js";
import { startWorldClusters, type WorldClusters } from "../../../../src/sandbox/clusters/host.js";
import { startHcloudEmulator, type HcloudEmulator } from "../../../../src/sandbox/hcloud/index.js";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { initCluster, timing } from "../caph/world.js";

export const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
export const CAPI = "cluster.x-k8s.io/v1beta1";
export const CP = "controlplane.cluster.x-k8s.io/v1alpha3";
const M = "talos-test";

export interface TalosWorld {
  dir: string;
  clusters: WorldClusters;
  host: CapiHost;
  api: ClusterApi;
  /** The most control-plane Machines that ever existed at once. */
  maxMachines(): number;
  close(): Promise<void>;
}

export async function startTalosWorld(): Promise<TalosWorld> {
  const dir = await mkdtemp(join(tmpdir(), "hk-talos-"));
  const hcloud: HcloudEmulator = await startHcloudEmulator({ dir, actionMs: timing.ms("hcloudAction") });
  const hostRef: { current?: CapiHost } = {};
  const clusters = await startWorldClusters(dir, { onChange: (e) => hostRef.current?.onCluster(e) });
  const host = startCapiHost({ dir, clusters, hcloudEndpoint: hcloud.url, timing }, [cabptProvider, cacpptProvider]);
  hostRef.current = host;
  const api = await initCluster(dir, clusters, "mgmt");
  const seam = playInfraAndCore(api);
  return {
    dir,
    clusters,
    host,
    api,
    maxMachines: seam.max,
    async close() {
      seam.stop();
      await host.close();
      await clusters.close();
      await hcloud.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The seam where CAPH and CAPI core would be. */
function playInfraAndCore(api: ClusterApi): { max(): number; stop(): void } {
  let serverId = 100;
  let max = 0;
  const live = new Set<string>();
  const stops = [
    api.watch(INFRA, "HCloudMachine", (e) => {
      const hm = e.object;
      if (e.type === "DELETED" || (hm.status as { ready?: boolean } | undefined)?.ready) return;
      setImmediate(() => {
        const cur = api.get(INFRA, "HCloudMachine", hm.metadata.namespace, hm.metadata.name ?? "");
        if (!cur || (cur.status as { ready?: boolean } | undefined)?.ready) return;
        const id = ++serverId;
        const withId = api.update({ ...cur, spec: { ...(cur.spec as object), providerID: `hcloud://${id}` } }, M);
        const addresses = [{ type: "ExternalIP", address: `203.0.113.${id % 250}` }, { type: "InternalIP", address: `10.0.0.${id % 250}` }];
        api.update({ ...withId, status: { ready: true, instanceState: "running", addresses } }, M, { subresource: "status" });
      });
    }),
    api.watch("bootstrap.cluster.x-k8s.io/v1alpha3", "TalosConfig", (e) => {
      const secret = (e.object.status as { dataSecretName?: string } | undefined)?.dataSecretName;
      if (e.type === "DELETED" || !secret) return;
      setImmediate(() => {
        const m = api.get(CAPI, "Machine", e.object.metadata.namespace, e.object.metadata.name ?? "");
        const spec = (m?.spec ?? {}) as { bootstrap?: Record<string, unknown> };
        if (!m || spec.bootstrap?.dataSecretName) return;
        api.update({ ...m, spec: { ...spec, bootstrap: { ...spec.bootstrap, dataSecretName: secret } } }, M);
      });
    }),
    api.watch(CAPI, "Machine", (e) => {
      if (e.type === "DELETED") live.delete(e.object.metadata.name ?? "");
      else live.add(e.object.metadata.name ?? "");
      max = Math.max(max, live.size);
    }),
  ];
  return { max: () => max, stop: () => stops.forEach((s) => s()) };
}

/** hk's Cluster, HCloudMachineTemplate and TalosControlPlane for `k8s`, with the endpoint CAPH would set. */
export function applyControlPlane(api: ClusterApi, replicas: number): void {
  const config = clusterConfigSchema.parse({ name: "k8s" });
  const cluster = clusterObject(config) as unknown as KubeObject;
  api.create({ ...cluster, spec: { ...(cluster.spec as object), controlPlaneEndpoint: { host: "198.51.100.7", port: 6443 } } }, M);
  const template = machineTemplateObject(config, "talos-v1.10.6");
  api.create(template as unknown as KubeObject, M);
  const tcp = talosControlPlaneObject(config, template) as unknown as KubeObject;
  api.create({ ...tcp, spec: { ...(tcp.spec as object), replicas } }, M);
}

/** Polls `check` until it returns a value, failing after `ms` with what it waited for. */
export async function until<T>(what: string, check: () => T | undefined | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
