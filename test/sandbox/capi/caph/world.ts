// A world for the CAPH tests: the Hetzner emulator, a kind management cluster with the providers
// installed by the sandbox's clusterctl init, and a CAPI host running only CAPH (core, Talos and
// CAAPH are left out: the tests play the Machine owner themselves, the seam where core would be).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterConfigSchema } from "../../../../src/config/schema.js";
import { hetznerClusterObject, clusterObject, machineTemplateObject } from "../../../../src/resources/capi/manifests.js";
import { startCapiHost, type CapiHost } from "../../../../src/sandbox/capi/host.js";
import type { SimProvider } from "../../../../src/sandbox/capi/types.js";
import { init } from "../../../../src/sandbox/clusterctl/init.js";
import { startWorldClusters, type WorldClusters } from "../../../../src/sandbox/clusters/host.js";
import { startHcloudEmulator, type HcloudEmulator } from "../../../../src/sandbox/hcloud/index.js";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { sandboxTiming } from "../../../../src/sandbox/timing.js";
import { actionsFinished, rest } from "../../hcloud/clients.js";

export const TOKEN = "sandbox-token";
export const timing = sandboxTiming("fast");

export interface CaphWorld {
  dir: string;
  hcloud: HcloudEmulator;
  clusters: WorldClusters;
  host: CapiHost;
  api: ClusterApi;
  close(): Promise<void>;
}

export async function startCaphWorld(providers: readonly SimProvider[]): Promise<CaphWorld> {
  const dir = await mkdtemp(join(tmpdir(), "hk-caph-"));
  const hcloud = await startHcloudEmulator({ dir, actionMs: timing.ms("hcloudAction") });
  const hostRef: { current?: CapiHost } = {};
  const clusters = await startWorldClusters(dir, { onChange: (e) => hostRef.current?.onCluster(e) });
  const host = startCapiHost({ dir, clusters, hcloudEndpoint: hcloud.url, timing }, providers);
  hostRef.current = host;
  const api = await initCluster(dir, clusters, "mgmt");
  const h = host;
  return {
    dir,
    hcloud,
    clusters,
    host: h,
    api,
    async close() {
      await h.close();
      await clusters.close();
      await hcloud.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A kind cluster `name` with the providers installed by the sandbox's clusterctl init; its kubeconfig in dir/<name>.kubeconfig. */
export async function initCluster(dir: string, clusters: WorldClusters, name: string): Promise<ClusterApi> {
  await clusters.create({ name, kind: "kind", serverVersion: "v1.33.1" });
  const kubeconfig = kubeconfigPath(dir, name);
  await writeFile(kubeconfig, clusters.kubeconfig(name) ?? "", { mode: 0o600 });
  const io = { env: {}, stdout: () => {}, stderr: () => {} };
  await init(
    { kubeconfig, core: "cluster-api:v1.10.10", bootstrap: ["talos:v0.6.11"], controlPlane: ["talos:v0.5.12"], infrastructure: ["hetzner:v1.0.7"], addon: ["helm:v0.4.2"], waitProviders: true, waitProviderTimeoutSeconds: 60 },
    io,
  );
  const api = clusters.api(name);
  if (!api) throw new Error(`cluster ${name} has no API`);
  return api;
}

export const kubeconfigPath = (dir: string, name: string): string => join(dir, `${name}.kubeconfig`);

const M = "caph-test";

/** hk's objects for a cluster called `name` (Cluster, HetznerCluster) and the token Secret. */
export function applyCluster(api: ClusterApi, name: string, withSecret = true): void {
  const config = clusterConfigSchema.parse({ name });
  if (withSecret) applySecret(api);
  for (const o of [clusterObject(config), hetznerClusterObject(config)]) api.create(o as unknown as KubeObject, M);
}

export function applySecret(api: ClusterApi): void {
  api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "hetzner", namespace: "default" }, type: "Opaque", data: { "hcloud-token": Buffer.from(TOKEN).toString("base64") } }, M);
}

/**
 * What CAPI core and the bootstrap provider would make for one control-plane machine: the Machine
 * (with its bootstrap data secret) and the HCloudMachine from hk's template, owned by the Machine.
 */
export function applyMachine(api: ClusterApi, cluster: string, machineName: string, imageName: string, override: Record<string, unknown> = {}): KubeObject {
  const config = clusterConfigSchema.parse({ name: cluster });
  const template = machineTemplateObject(config, imageName);
  const labels = { "cluster.x-k8s.io/cluster-name": cluster, "cluster.x-k8s.io/control-plane": "" };
  api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: `${machineName}-bootstrap`, namespace: "default", labels }, type: "cluster.x-k8s.io/secret", data: { value: Buffer.from("#talos machine config\n").toString("base64") } }, M);
  const machine = api.create(
    {
      apiVersion: "cluster.x-k8s.io/v1beta1",
      kind: "Machine",
      metadata: { name: machineName, namespace: "default", labels },
      spec: {
        clusterName: cluster,
        bootstrap: { dataSecretName: `${machineName}-bootstrap` },
        infrastructureRef: { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HCloudMachine", name: machineName, namespace: "default" },
        version: "v1.33.1",
      },
    },
    M,
  );
  const spec = (template.spec.template as { spec: Record<string, unknown> }).spec;
  return api.create(
    {
      apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1",
      kind: "HCloudMachine",
      metadata: {
        name: machineName,
        namespace: "default",
        labels,
        ownerReferences: [{ apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Machine", name: machineName, uid: machine.metadata.uid ?? "", controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...spec, ...override },
    },
    M,
  );
}

/** A snapshot labelled caph-image-name=<imageName>, made as hk's image build makes one (the helper server deleted). */
export async function makeSnapshot(endpoint: string, imageName: string): Promise<number> {
  const made = await rest(endpoint, "POST", "/servers", { name: `build-${imageName}`, server_type: "cx23", image: "debian-12", location: "nbg1" });
  if (made.status !== 201) throw new Error(`POST /servers answered ${made.status}`);
  await actionsFinished(endpoint, [made.body.action, ...(made.body.next_actions ?? [])]);
  const snap = await rest(endpoint, "POST", `/servers/${made.body.server.id}/actions/create_image`, { type: "snapshot", description: imageName, labels: { "caph-image-name": imageName } });
  if (snap.status !== 201) throw new Error(`create_image answered ${snap.status}: ${JSON.stringify(snap.body)}`);
  await actionsFinished(endpoint, [snap.body.action]);
  const del = await rest(endpoint, "DELETE", `/servers/${made.body.server.id}`);
  if (del.status >= 300) throw new Error(`DELETE server answered ${del.status}`);
  return snap.body.image.id as number;
}
