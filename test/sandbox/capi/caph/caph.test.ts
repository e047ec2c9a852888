// The simulated CAPH against the Hetzner emulator: what a HetznerCluster makes there (network,
// placement group, load balancer with 6443 and 50000), an HCloudMachine's server (failing with
// CAPH's message until a snapshot exists, then made with CAPH's labels and put behind the load
// balancer, seen with Debian's hcloud CLI), and deletion leaving nothing behind.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caphProvider } from "../../../../src/sandbox/capi/caph/index.js";
import type { KubeObject } from "../../../../src/sandbox/kube/types.js";
import { until } from "../../../support/until.js";
import { hcloud, rest } from "../../hcloud/clients.js";
import { applyCluster, applyMachine, applySecret, makeSnapshot, startCaphWorld, type CaphWorld } from "./world.js";

const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
let world: CaphWorld;

beforeAll(async () => {
  world = await startCaphWorld([caphProvider]);
}, 120_000);
afterAll(async () => {
  await world?.close();
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
const get = (kind: string, name: string): Obj | undefined => world.api.get(INFRA, kind, "default", name) as Obj | undefined;
const cond = (o: KubeObject | Obj | undefined, type: string): Obj | undefined => (o?.status?.conditions ?? []).find((c: Obj) => c.type === type);
const list = async (path: string, key: string, selector: string): Promise<Obj[]> => (await rest(world.hcloud.url, "GET", `${path}?label_selector=${encodeURIComponent(selector)}`)).body[key];

describe("simulated CAPH", () => {
  it("makes the cluster's network, placement group and load balancer, then a control-plane server once the snapshot exists, and deletes them all", async () => {
    applyCluster(world.api, "k8s");
    await until("HetznerCluster k8s ready", () => get("HetznerCluster", "k8s")?.status?.ready === true, { timeoutMs: 30_000 });
    const owned = "caph-cluster-k8s=owned";

    const [network] = await list("/networks", "networks", owned);
    expect(network).toMatchObject({ name: "k8s", ip_range: "10.10.0.0/16", subnets: [{ type: "cloud", ip_range: "10.10.64.0/25", network_zone: "eu-central" }] });
    const groups = await list("/placement_groups", "placement_groups", owned);
    expect(groups.map((g) => [g.name, g.type])).toEqual([["k8s-control-plane", "spread"]]);
    const lbs = await list("/load_balancers", "load_balancers", owned);
    expect(lbs).toHaveLength(1);
    const lb = lbs[0]!;
    expect(lb.name).toMatch(/^k8s-kube-apiserver-[a-z0-9]{5}$/);
    expect(lb.load_balancer_type.name).toBe("lb11");
    expect(lb.location.name).toBe("nbg1");
    expect(lb.services.map((s: Obj) => [s.listen_port, s.destination_port]).sort()).toEqual([[50000, 50000], [6443, 6443]]);
    expect(lb.private_net.map((p: Obj) => p.network)).toEqual([network!.id]);

    const hc = get("HetznerCluster", "k8s")!;
    expect(hc.spec.controlPlaneEndpoint).toEqual({ host: lb.public_net.ipv4.ip, port: 6443 });
    expect(hc.status).toMatchObject({ failureDomains: { nbg1: { controlPlane: true } }, networkStatus: { id: network!.id }, controlPlaneLoadBalancer: { id: lb.id, ipv4: lb.public_net.ipv4.ip } });
    expect(hc.status.hcloudPlacementGroups).toEqual([{ id: groups[0]!.id, name: "control-plane", type: "spread", servers: [] }]);
    expect(cond(hc, "Ready")?.status).toBe("True");
    expect(hc.metadata.finalizers).toContain("infrastructure.cluster.x-k8s.io/hetznercluster");
    // Owned by the HetznerCluster (not its controller), so clusterctl move takes it along.
    const tokenSecret = world.api.get("v1", "Secret", "default", "hetzner")!;
    expect(tokenSecret.metadata.ownerReferences).toEqual([{ apiVersion: INFRA, kind: "HetznerCluster", name: "k8s", uid: hc.metadata.uid }]);

    // No snapshot yet: CAPH's message, and no server.
    applyMachine(world.api, "k8s", "k8s-control-plane-abcde", "talos-test");
    await until("ImageNotFound on the HCloudMachine", () => cond(get("HCloudMachine", "k8s-control-plane-abcde"), "ServerCreateSucceeded")?.reason === "ImageNotFound", { timeoutMs: 30_000 });
    const failing = get("HCloudMachine", "k8s-control-plane-abcde")!;
    expect(cond(failing, "ServerCreateSucceeded")).toMatchObject({ status: "False", severity: "Error", message: "no image found with name talos-test" });
    expect(failing.status).toMatchObject({ failureReason: "CreateError", failureMessage: "no image found with name talos-test" });
    expect(await list("/servers", "servers", owned)).toEqual([]);

    // The snapshot made later is picked up by the retries.
    const imageId = await makeSnapshot(world.hcloud.url, "talos-test");
    await until("HCloudMachine ready", () => get("HCloudMachine", "k8s-control-plane-abcde")?.status?.ready === true, { timeoutMs: 30_000 });
    const hm = get("HCloudMachine", "k8s-control-plane-abcde")!;
    const [server] = await list("/servers", "servers", owned);
    expect(server).toMatchObject({ name: "k8s-control-plane-abcde", status: "running", image: { id: imageId }, server_type: { name: "cx33" }, labels: { "caph-cluster-k8s": "owned", machine_type: "control_plane" } });
    expect(server!.placement_group?.name).toBe("k8s-control-plane");
    expect(server!.private_net.map((p: Obj) => p.network)).toEqual([network!.id]);
    expect(hm.spec.providerID).toBe(`hcloud://${server!.id}`);
    expect(hm.status).toMatchObject({ instanceState: "running", region: "nbg1" });
    expect(hm.status.failureReason).toBeUndefined();
    expect(hm.status.addresses).toEqual(
      expect.arrayContaining([
        { type: "ExternalIP", address: server!.public_net.ipv4.ip },
        { type: "InternalIP", address: server!.private_net[0].ip },
      ]),
    );
    const lbNow = (await rest(world.hcloud.url, "GET", `/load_balancers/${lb.id}`)).body.load_balancer;
    expect(lbNow.targets).toEqual([expect.objectContaining({ type: "server", server: expect.objectContaining({ id: server!.id }), use_private_ip: true })]);
    await until("the target in the HetznerCluster's status", () => get("HetznerCluster", "k8s")?.status?.controlPlaneLoadBalancer?.targets?.length === 1, { timeoutMs: 30_000 });

    // Debian's hcloud CLI sees the same server with CAPH's labels.
    const home = await mkdtemp(join(tmpdir(), "hk-caph-cli-"));
    try {
      const cli = await hcloud(world.hcloud.url, home, ["server", "list", "-o", "json", "-l", owned]);
      expect(cli.code, cli.stderr).toBe(0);
      const seen = JSON.parse(cli.stdout) as Obj[];
      expect(seen.map((s) => [s.name, s.status, s.labels.machine_type])).toEqual([["k8s-control-plane-abcde", "running", "control_plane"]]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }

    // The cluster waits for its machines; the machine's delete takes its server and target.
    world.api.delete(INFRA, "HetznerCluster", "default", "k8s");
    world.api.delete(INFRA, "HCloudMachine", "default", "k8s-control-plane-abcde");
    await until("HCloudMachine gone", () => get("HCloudMachine", "k8s-control-plane-abcde") === undefined, { timeoutMs: 30_000 });
    expect(await list("/servers", "servers", owned)).toEqual([]);
    await until("HetznerCluster gone", () => get("HetznerCluster", "k8s") === undefined, { timeoutMs: 30_000 });
    // The whole lifecycle of one cluster and machine stays far within the hourly budget of 3,600.
    const res = await fetch(`${world.hcloud.url}/locations`, { headers: { Authorization: "Bearer sandbox-token" } });
    expect(3600 - Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(400);
    // Given back before the HetznerCluster went: the garbage collector left the Secret.
    expect(world.api.get("v1", "Secret", "default", "hetzner")?.metadata.ownerReferences ?? []).toEqual([]);
    for (const [path, key] of [["/networks", "networks"], ["/placement_groups", "placement_groups"], ["/load_balancers", "load_balancers"], ["/servers", "servers"]] as const) {
      expect(await list(path, key, owned), path).toEqual([]);
    }
  }, 120_000);

  it("says CAPH's condition while the token secret is missing, and goes on once it exists", async () => {
    if (world.api.get("v1", "Secret", "default", "hetzner")) world.api.delete("v1", "Secret", "default", "hetzner");
    applyCluster(world.api, "nosecret", false);
    await until("HCloudTokenAvailable False", () => cond(get("HetznerCluster", "nosecret"), "HCloudTokenAvailable")?.status === "False", { timeoutMs: 30_000 });
    const hc = get("HetznerCluster", "nosecret")!;
    expect(cond(hc, "HCloudTokenAvailable")).toMatchObject({ reason: "HetznerSecretUnreachable", severity: "Error", message: "could not find HetznerSecret" });
    expect(cond(hc, "Ready")).toMatchObject({ status: "False", reason: "HetznerSecretUnreachable" });
    expect(hc.status.ready).toBe(false);
    expect(await list("/networks", "networks", "caph-cluster-nosecret=owned")).toEqual([]);
    applySecret(world.api);
    await until("HetznerCluster nosecret ready", () => get("HetznerCluster", "nosecret")?.status?.ready === true, { timeoutMs: 30_000 });
    expect(cond(get("HetznerCluster", "nosecret"), "HCloudTokenAvailable")?.status).toBe("True");
    world.api.delete(INFRA, "HetznerCluster", "default", "nosecret");
    await until("HetznerCluster nosecret gone", () => get("HetznerCluster", "nosecret") === undefined, { timeoutMs: 30_000 });
    expect(await list("/load_balancers", "load_balancers", "caph-cluster-nosecret=owned")).toEqual([]);
  }, 60_000);

  it("marks a machine Hetzner refuses for good (a server type that does not exist) failed and makes no server", async () => {
    if (!world.api.get("v1", "Secret", "default", "hetzner")) applySecret(world.api);
    applyCluster(world.api, "refused", false);
    await until("HetznerCluster refused ready", () => get("HetznerCluster", "refused")?.status?.ready === true, { timeoutMs: 30_000 });
    await makeSnapshot(world.hcloud.url, "talos-refused");
    applyMachine(world.api, "refused", "refused-cp-1", "talos-refused", { type: "cx999" });
    await until("the irrecoverable condition", () => cond(get("HCloudMachine", "refused-cp-1"), "ServerCreateSucceeded")?.reason === "ServerCreateFailedIrrecoverableError", { timeoutMs: 30_000 });
    const hm = get("HCloudMachine", "refused-cp-1")!;
    expect(hm.status.failureMessage).toMatch(/^Server creation failed with an irrecoverable error: .*server type not found/);
    await world.host.idle();
    expect(await list("/servers", "servers", "caph-cluster-refused=owned")).toEqual([]);
    world.api.delete(INFRA, "HCloudMachine", "default", "refused-cp-1");
    world.api.delete(INFRA, "HetznerCluster", "default", "refused");
    await until("HetznerCluster refused gone", () => get("HetznerCluster", "refused") === undefined, { timeoutMs: 30_000 });
  }, 60_000);

  it("says wrong hcloud token when Hetzner refuses the token, and goes on once the Secret holds a good one", async () => {
    if (world.api.get("v1", "Secret", "default", "hetzner")) world.api.delete("v1", "Secret", "default", "hetzner");
    // The emulator takes ro- tokens as read-only: every write answers 401.
    world.api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "hetzner", namespace: "default" }, data: { "hcloud-token": Buffer.from("ro-token").toString("base64") } }, "test");
    applyCluster(world.api, "badtoken", false);
    await until("HCloudCredentialsInvalid", () => cond(get("HetznerCluster", "badtoken"), "HCloudTokenAvailable")?.reason === "HCloudCredentialsInvalid", { timeoutMs: 30_000 });
    expect(cond(get("HetznerCluster", "badtoken"), "HCloudTokenAvailable")).toMatchObject({ status: "False", severity: "Error", message: "wrong hcloud token" });
    expect(await list("/networks", "networks", "caph-cluster-badtoken=owned")).toEqual([]);
    const secret = world.api.get("v1", "Secret", "default", "hetzner")!;
    world.api.update({ ...secret, data: { "hcloud-token": Buffer.from("sandbox-token").toString("base64") } }, "test");
    await until("HetznerCluster badtoken ready", () => get("HetznerCluster", "badtoken")?.status?.ready === true, { timeoutMs: 30_000 });
    world.api.delete(INFRA, "HetznerCluster", "default", "badtoken");
    await until("HetznerCluster badtoken gone", () => get("HetznerCluster", "badtoken") === undefined, { timeoutMs: 30_000 });
  }, 60_000);
});
