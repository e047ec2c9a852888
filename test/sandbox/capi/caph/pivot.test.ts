// The simulated CAPH across the pivot: the sandbox's clusterctl move takes the cluster's objects
// (and, through CAPH's owner reference, the token Secret) to another management cluster, where the
// same controllers take over what is already in Hetzner (nothing made twice) and can tear it down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caphProvider } from "../../../../src/sandbox/capi/caph/index.js";
import { move } from "../../../../src/sandbox/clusterctl/move.js";
import type { ClusterApi } from "../../../../src/sandbox/kube/types.js";
import { until } from "../../../support/until.js";
import { rest } from "../../hcloud/clients.js";
import { applyCluster, applyMachine, initCluster, kubeconfigPath, makeSnapshot, startCaphWorld, type CaphWorld } from "./world.js";

const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
const CAPI = "cluster.x-k8s.io/v1beta1";
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
let world: CaphWorld;
let target: ClusterApi;

beforeAll(async () => {
  world = await startCaphWorld([caphProvider]);
  target = await initCluster(world.dir, world.clusters, "target");
}, 180_000);
afterAll(async () => {
  await world?.close();
});

const owned = async (path: string, key: string): Promise<Obj[]> => (await rest(world.hcloud.url, "GET", `${path}?label_selector=${encodeURIComponent("caph-cluster-piv=owned")}`)).body[key];
const get = (api: ClusterApi, kind: string, name: string): Obj | undefined => api.get(INFRA, kind, "default", name) as Obj | undefined;

describe("simulated CAPH across clusterctl move", () => {
  it("takes over the moved cluster's Hetzner objects in the new management cluster, makes nothing twice, and deletes them from there", async () => {
    await makeSnapshot(world.hcloud.url, "talos-piv");
    applyCluster(world.api, "piv");
    applyMachine(world.api, "piv", "piv-cp-1", "talos-piv");
    await until("HCloudMachine ready in the first management cluster", () => get(world.api, "HCloudMachine", "piv-cp-1")?.status?.ready === true, { timeoutMs: 30_000 });
    const before = { servers: await owned("/servers", "servers"), lbs: await owned("/load_balancers", "load_balancers"), networks: await owned("/networks", "networks") };

    // What CAPI core (and the bootstrap provider) would have done: owners, so the move finds the
    // objects from the Cluster, and the status clusterctl move checks before it starts.
    const cluster = world.api.get(CAPI, "Cluster", "default", "piv")!;
    const byCluster = { apiVersion: CAPI, kind: "Cluster", name: "piv", uid: cluster.metadata.uid ?? "" };
    for (const [apiVersion, kind, name] of [[INFRA, "HetznerCluster", "piv"], [CAPI, "Machine", "piv-cp-1"]] as const) {
      const o = world.api.get(apiVersion, kind, "default", name)!;
      world.api.update({ ...o, metadata: { ...o.metadata, ownerReferences: [...(o.metadata.ownerReferences ?? []), byCluster] } }, "test");
    }
    const m = world.api.get(CAPI, "Machine", "default", "piv-cp-1")!;
    const data = world.api.get("v1", "Secret", "default", "piv-cp-1-bootstrap")!;
    world.api.update({ ...data, metadata: { ...data.metadata, ownerReferences: [{ apiVersion: CAPI, kind: "Machine", name: "piv-cp-1", uid: m.metadata.uid ?? "" }] } }, "test");
    world.api.update({ ...cluster, status: { infrastructureReady: true, controlPlaneReady: true, conditions: [{ type: "ControlPlaneInitialized", status: "True", lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z") }] } }, "test", { subresource: "status" });
    const machine = world.api.get(CAPI, "Machine", "default", "piv-cp-1")!;
    world.api.update({ ...machine, status: { nodeRef: { kind: "Node", name: "piv-cp-1", apiVersion: "v1" } } }, "test", { subresource: "status" });

    const out: string[] = [];
    await move({ kubeconfig: kubeconfigPath(world.dir, "mgmt"), toKubeconfig: kubeconfigPath(world.dir, "target"), namespace: "default", dryRun: false }, { env: {}, stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect(get(world.api, "HetznerCluster", "piv")).toBeUndefined();
    expect(target.get("v1", "Secret", "default", "hetzner")).toBeDefined();

    await until("HetznerCluster ready in the new management cluster", () => get(target, "HetznerCluster", "piv")?.status?.ready === true, { timeoutMs: 30_000 });
    await until("HCloudMachine ready in the new management cluster", () => get(target, "HCloudMachine", "piv-cp-1")?.status?.ready === true, { timeoutMs: 30_000 });
    expect(get(target, "HetznerCluster", "piv")!.status.controlPlaneLoadBalancer.id).toBe(before.lbs[0]!.id);
    expect(get(target, "HCloudMachine", "piv-cp-1")!.spec.providerID).toBe(`hcloud://${before.servers[0]!.id}`);
    await world.host.idle();
    expect((await owned("/servers", "servers")).map((s) => s.id)).toEqual(before.servers.map((s) => s.id));
    expect((await owned("/load_balancers", "load_balancers")).map((s) => s.id)).toEqual(before.lbs.map((s) => s.id));
    expect((await owned("/networks", "networks")).map((s) => s.id)).toEqual(before.networks.map((s) => s.id));

    // Torn down from the new management cluster, with the token Secret moved there.
    target.delete(INFRA, "HCloudMachine", "default", "piv-cp-1");
    target.delete(INFRA, "HetznerCluster", "default", "piv");
    await until("HetznerCluster gone", () => get(target, "HetznerCluster", "piv") === undefined, { timeoutMs: 30_000 });
    for (const [path, key] of [["/servers", "servers"], ["/load_balancers", "load_balancers"], ["/networks", "networks"], ["/placement_groups", "placement_groups"]] as const) {
      expect(await owned(path, key), path).toEqual([]);
    }
  }, 120_000);
});
