// The simulated CAPI core alone in a kind management cluster (CRDs and Deployments from the
// sandbox's clusterctl init). Seam: no CAPH or Talos controllers run, so the test plays them by
// writing HetznerCluster.status (ready, endpoint) itself and holding a Machine with its own finalizer.
import { afterEach, describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../../../src/config/schema.js";
import { clusterObject, hetznerClusterObject, machineTemplateObject, talosControlPlaneObject } from "../../../../src/resources/capi/manifests.js";
import { coreProvider } from "../../../../src/sandbox/capi/core/index.js";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { execa } from "execa";
import { freshClientEnv, KUBECTL, requireKubeTools } from "../../../support/kube-tools.js";
import { kubeconfigPath, startCaphWorld, type CaphWorld } from "../caph/world.js";

const CAPI = "cluster.x-k8s.io/v1beta1";
const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
const M = "core-test";
let world: CaphWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Polls `get` until it returns a value other than undefined, failing with `what` after 20 s. */
async function until<T>(what: string, get: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await world?.host.idle();
  }
}

function applyObjects(api: ClusterApi, paused = false): void {
  const config = clusterConfigSchema.parse({ name: "k8s" });
  const cluster = clusterObject(config) as unknown as KubeObject;
  if (paused) cluster.spec = { ...(cluster.spec ?? {}), paused: true };
  for (const o of [cluster, hetznerClusterObject(config) as unknown as KubeObject, talosControlPlaneObject(config, machineTemplateObject(config, "talos-v1.10.6")) as unknown as KubeObject]) api.create(o, M);
}

const cluster = (api: ClusterApi) => api.get(CAPI, "Cluster", "default", "k8s");
const hetzner = (api: ClusterApi) => api.get(INFRA, "HetznerCluster", "default", "k8s");
const phase = (o: KubeObject | undefined) => (o?.status as { phase?: string } | undefined)?.phase;

describe("simulated CAPI core", () => {
  it("owns the infra cluster and control plane, and goes Provisioning → Provisioned with the endpoint", async () => {
    world = await startCaphWorld([coreProvider]);
    const { api } = world;
    applyObjects(api);
    const c = await until("Cluster Provisioning", () => (phase(cluster(api)) === "Provisioning" ? cluster(api) : undefined));
    expect(c.metadata.finalizers).toContain("cluster.cluster.x-k8s.io");
    const hc = await until("HetznerCluster owned", () => (hetzner(api)?.metadata.ownerReferences?.length ? hetzner(api) : undefined));
    expect(hc.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Cluster", name: "k8s", uid: c.metadata.uid });
    const cps = api.list("controlplane.cluster.x-k8s.io/v1alpha3", "TalosControlPlane", "default");
    expect(cps[0]?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Cluster", name: "k8s" });
    // seam: CAPH would report the load balancer's address and ready
    api.update({ ...hc, spec: { ...(hc.spec ?? {}), controlPlaneEndpoint: { host: "10.0.0.5", port: 6443 } } }, M);
    const h2 = hetzner(api);
    if (!h2) throw new Error("HetznerCluster gone");
    api.update({ ...h2, status: { ready: true } }, M, { subresource: "status" });
    const done = await until("Cluster Provisioned", () => (phase(cluster(api)) === "Provisioned" ? cluster(api) : undefined));
    expect(done.spec).toMatchObject({ controlPlaneEndpoint: { host: "10.0.0.5", port: 6443 } });
    expect(done.status).toMatchObject({ infrastructureReady: true, controlPlaneReady: false });
    requireKubeTools();
    const out = await execa(KUBECTL, ["--kubeconfig", kubeconfigPath(world.dir, "mgmt"), "get", "clusters", "-A"], { env: await freshClientEnv() });
    expect(out.stdout).toMatch(/default\s+k8s\s+.*Provisioned/);
  });

  it("deletes the infrastructure cluster only after the cluster's machines are gone", async () => {
    world = await startCaphWorld([coreProvider]);
    const { api } = world;
    applyObjects(api);
    await until("Cluster finalizer", () => (cluster(api)?.metadata.finalizers?.length ? true : undefined));
    api.create({ apiVersion: CAPI, kind: "Machine", metadata: { name: "w1", namespace: "default", finalizers: ["test/hold"], labels: { "cluster.x-k8s.io/cluster-name": "k8s" } }, spec: { clusterName: "k8s", bootstrap: {}, infrastructureRef: { apiVersion: INFRA, kind: "HCloudMachine", name: "w1" } } }, M);
    api.delete(CAPI, "Cluster", "default", "k8s");
    await until("Cluster Deleting", () => (phase(cluster(api)) === "Deleting" ? true : undefined));
    const held = await until("Machine deleting", () => (api.get(CAPI, "Machine", "default", "w1")?.metadata.deletionTimestamp ? true : undefined));
    expect(held).toBe(true);
    await world.host.idle();
    expect(hetzner(api)?.metadata.deletionTimestamp).toBeUndefined();
    const m = api.get(CAPI, "Machine", "default", "w1");
    if (!m) throw new Error("Machine gone early");
    api.update({ ...m, metadata: { ...m.metadata, finalizers: (m.metadata.finalizers ?? []).filter((f) => f !== "test/hold") } }, M);
    await until("HetznerCluster and Cluster gone", () => (!hetzner(api) && !cluster(api) ? true : undefined));
  });

  it("leaves a paused cluster alone", async () => {
    world = await startCaphWorld([coreProvider]);
    const { api } = world;
    applyObjects(api, true);
    await world.host.idle();
    expect(cluster(api)?.metadata.finalizers ?? []).toEqual([]);
    expect(cluster(api)?.status).toBeUndefined();
    expect(hetzner(api)?.metadata.ownerReferences ?? []).toEqual([]);
  });

  it("moves a Machine Pending → Provisioning → Provisioned, owning its config and infra machine", async () => {
    world = await startCaphWorld([coreProvider]);
    const { api } = world;
    applyObjects(api);
    const BOOT = "bootstrap.cluster.x-k8s.io/v1alpha3";
    const tc = api.create({ apiVersion: BOOT, kind: "TalosConfig", metadata: { name: "w1", namespace: "default" }, spec: { generateType: "worker" } }, M);
    const hm = api.create({ apiVersion: INFRA, kind: "HCloudMachine", metadata: { name: "w1", namespace: "default" }, spec: { type: "cx23", imageName: "talos" } }, M);
    api.create({ apiVersion: CAPI, kind: "Machine", metadata: { name: "w1", namespace: "default" }, spec: { clusterName: "k8s", bootstrap: { configRef: { apiVersion: BOOT, kind: "TalosConfig", name: "w1" } }, infrastructureRef: { apiVersion: INFRA, kind: "HCloudMachine", name: "w1" } } }, M);
    const machine = () => api.get(CAPI, "Machine", "default", "w1");
    const m = await until("Machine Pending", () => (phase(machine()) === "Pending" ? machine() : undefined));
    expect(m.metadata.labels?.["cluster.x-k8s.io/cluster-name"]).toBe("k8s");
    expect(api.get(BOOT, "TalosConfig", "default", "w1")?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Machine", name: "w1", controller: true });
    expect(api.get(INFRA, "HCloudMachine", "default", "w1")?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Machine", name: "w1", controller: true });
    // seam: CABPT's and CAPH's status
    const tc2 = api.get(BOOT, "TalosConfig", "default", "w1") ?? tc;
    api.update({ ...tc2, status: { ready: true, dataSecretName: "w1-bootstrap-data" } }, M, { subresource: "status" });
    const p = await until("Machine Provisioning", () => (phase(machine()) === "Provisioning" ? machine() : undefined));
    expect(p.spec).toMatchObject({ bootstrap: { dataSecretName: "w1-bootstrap-data" } });
    const hm2 = api.get(INFRA, "HCloudMachine", "default", "w1") ?? hm;
    const hm3 = api.update({ ...hm2, spec: { ...(hm2.spec ?? {}), providerID: "hcloud://42" } }, M);
    api.update({ ...hm3, status: { ready: true } }, M, { subresource: "status" });
    const done = await until("Machine Provisioned", () => (phase(machine()) === "Provisioned" ? machine() : undefined));
    expect(done.spec).toMatchObject({ providerID: "hcloud://42" });
    expect(done.status).toMatchObject({ bootstrapReady: true, infrastructureReady: true });
  });
});
