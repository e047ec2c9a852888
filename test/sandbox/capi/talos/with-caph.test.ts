// The Talos providers with the simulated CAPH making the servers (the test stands in for CAPI core
// only: the Machine's dataSecretName and the Cluster's endpoint copied as core copies them): a
// control plane's Node comes from a real emulated Hetzner server, and deleting the
// TalosControlPlane deletes the server and the workload cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../../../src/config/schema.js";
import { machineTemplateObject, talosControlPlaneObject } from "../../../../src/resources/capi/manifests.js";
import { caphProvider } from "../../../../src/sandbox/capi/caph/index.js";
import { cabptProvider, cacpptProvider } from "../../../../src/sandbox/capi/talos/index.js";
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import { rest } from "../../hcloud/clients.js";
import { applyCluster, makeSnapshot, startCaphWorld, type CaphWorld } from "../caph/world.js";
import { CAPI, CP, INFRA, until } from "./world.js";

const M = "core-seam";

/** CAPI core's copies: the HetznerCluster's endpoint to the Cluster, the TalosConfig's data secret to its Machine. */
function playCore(api: ClusterApi): () => void {
  const stops = [
    api.watch(INFRA, "HetznerCluster", (e) => {
      const ep = (e.object.spec as { controlPlaneEndpoint?: { host?: string } }).controlPlaneEndpoint;
      if (e.type === "DELETED" || !ep?.host) return;
      setImmediate(() => {
        const c = api.get(CAPI, "Cluster", "default", e.object.metadata.name ?? "");
        if (c && !(c.spec as { controlPlaneEndpoint?: unknown }).controlPlaneEndpoint) api.update({ ...c, spec: { ...(c.spec as object), controlPlaneEndpoint: ep } }, M);
      });
    }),
    api.watch("bootstrap.cluster.x-k8s.io/v1alpha3", "TalosConfig", (e) => {
      const secret = (e.object.status as { dataSecretName?: string } | undefined)?.dataSecretName;
      if (e.type === "DELETED" || !secret) return;
      setImmediate(() => {
        const m = api.get(CAPI, "Machine", "default", e.object.metadata.name ?? "");
        const spec = (m?.spec ?? {}) as { bootstrap?: Record<string, unknown> };
        if (m && !spec.bootstrap?.dataSecretName) api.update({ ...m, spec: { ...spec, bootstrap: { ...spec.bootstrap, dataSecretName: secret } } }, M);
      });
    }),
  ];
  return () => stops.forEach((s) => s());
}

describe("Talos providers with the simulated CAPH", () => {
  let w: CaphWorld;
  let stopCore: () => void;
  beforeAll(async () => {
    w = await startCaphWorld([caphProvider, cabptProvider, cacpptProvider]);
    stopCore = playCore(w.api);
    await makeSnapshot(w.hcloud.url, "talos-v1.10.6");
    applyCluster(w.api, "k8s");
    const config = clusterConfigSchema.parse({ name: "k8s" });
    const template = machineTemplateObject(config, "talos-v1.10.6");
    w.api.create(template as unknown as KubeObject, "test");
    const tcp = talosControlPlaneObject(config, template) as unknown as KubeObject;
    w.api.create({ ...tcp, spec: { ...(tcp.spec as object), replicas: 1 } }, "test");
  }, 120_000);
  afterAll(async () => {
    stopCore?.();
    await w?.close();
  });

  it("boots a Node from the server CAPH made, and deletes both with the TalosControlPlane", async () => {
    const node = await until("a Node in the workload cluster", () => w.clusters.api("k8s")?.list("v1", "Node")[0], 60_000);
    const servers = (await rest(w.hcloud.url, "GET", "/servers?label_selector=caph-cluster-k8s")).body.servers as { id: number; name: string; labels: Record<string, string>; private_net: { ip: string }[] }[];
    expect(servers.map((s) => s.name)).toEqual([node.metadata.name]);
    expect(servers[0]?.labels.machine_type).toBe("control_plane");
    const internal = (node.status as { addresses: { type: string; address: string }[] }).addresses.find((a) => a.type === "InternalIP");
    expect(internal?.address).toBe(servers[0]?.private_net[0]?.ip);
    const hm = w.api.get(INFRA, "HCloudMachine", "default", node.metadata.name ?? "");
    expect(hm?.metadata.annotations?.["cluster.x-k8s.io/cloned-from-name"]).toMatch(/^k8s-control-plane-[0-9a-f]{10}$/);
    expect((hm?.spec as { providerID: string }).providerID).toBe(`hcloud://${servers[0]?.id}`);

    w.api.delete(CP, "TalosControlPlane", "default", "k8s-control-plane");
    await until("the TalosControlPlane gone", () => !w.api.get(CP, "TalosControlPlane", "default", "k8s-control-plane"), 60_000);
    expect(w.clusters.get("k8s")).toBeUndefined();
    // The garbage collector deletes the HCloudMachine with its Machine; CAPH's finalizer then the server.
    const deadline = Date.now() + 60_000;
    while (((await rest(w.hcloud.url, "GET", "/servers?label_selector=caph-cluster-k8s")).body.servers as unknown[]).length > 0) {
      if (Date.now() > deadline) throw new Error("timed out after 60000 ms waiting for CAPH to delete the server");
      await new Promise((r) => setTimeout(r, 50));
    }
    await until("the HCloudMachine gone", () => w.api.list(INFRA, "HCloudMachine", "default").length === 0, 60_000);
  }, 120_000);
});
