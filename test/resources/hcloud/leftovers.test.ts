// The destroy sweep's leftover types against the sandbox: only objects labelled for the stack (or
// CCM load balancers on its network / in front of its servers) are found; they delete in a safe
// order; their prices come from the API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BugError } from "../../../src/engine/errors.js";
import type { AnyResourceType, Discovered } from "../../../src/engine/resource.js";
import { pricing } from "../../../src/providers/hcloud/index.js";
import { leftoverTypes } from "../../../src/resources/hcloud/index.js";
import { recordingContext, sandboxEnv, type SandboxEnv } from "./sandbox-env.js";

let env: SandboxEnv;
let types: Map<string, AnyResourceType>;
const ids = {} as Record<"net" | "otherNet" | "pg" | "cp" | "hkServer" | "unlabelled" | "otherServer" | "lb" | "ccmOnNet" | "ccmTargeting" | "ccmOther" | "volume" | "strayVolume" | "ip" | "key", number>;

const CAPH = { "caph-cluster-k8s": "owned" };
const HK = { "hk/stack": "k8s" };
const OTHER = { "caph-cluster-other": "owned" };

beforeAll(async () => {
  env = await sandboxEnv();
  types = new Map(leftoverTypes(env.client).map((t) => [t.type, t]));
  const api = env.api;
  const net = async (name: string, labels: object) => (await api<{ network: { id: number } }>("POST", "/networks", { name, ip_range: "10.10.0.0/16", labels, subnets: [{ type: "cloud", ip_range: "10.10.64.0/25", network_zone: "eu-central" }] })).network.id;
  const server = async (name: string, labels: object, extra: object = {}) => (await api<{ server: { id: number } }>("POST", "/servers", { name, server_type: "cx33", image: "debian-12", location: "nbg1", labels, ...extra })).server.id;
  const lb = async (name: string, labels: object, extra: object = {}) => (await api<{ load_balancer: { id: number } }>("POST", "/load_balancers", { name, load_balancer_type: "lb11", location: "nbg1", labels, ...extra })).load_balancer.id;
  ids.net = await net("k8s", CAPH);
  ids.otherNet = await net("other", OTHER);
  ids.pg = (await api<{ placement_group: { id: number } }>("POST", "/placement_groups", { name: "k8s-control-plane", type: "spread", labels: CAPH })).placement_group.id;
  ids.cp = await server("k8s-control-plane-abc", CAPH, { networks: [ids.net], placement_group: ids.pg });
  ids.hkServer = await server("hk-talos-build-1", { ...HK, "hk/temporary": "image-build" });
  ids.unlabelled = await server("pet", {});
  ids.otherServer = await server("other-cp", OTHER, { networks: [ids.otherNet] });
  ids.lb = await lb("k8s-kube-apiserver", CAPH, { network: ids.net });
  ids.ccmOnNet = await lb("a1b2c3", { "hcloud-ccm/service-uid": "uid-1" }, { network: ids.net });
  ids.ccmTargeting = await lb("d4e5f6", { "hcloud-ccm/service-uid": "uid-2" }, { targets: [{ type: "server", server: { id: ids.cp } }] });
  ids.ccmOther = await lb("g7h8i9", { "hcloud-ccm/service-uid": "uid-3" }, { network: ids.otherNet });
  ids.volume = (await api<{ volume: { id: number } }>("POST", "/volumes", { name: "k8s-data", size: 10, location: "nbg1", labels: HK })).volume.id;
  ids.strayVolume = (await api<{ volume: { id: number } }>("POST", "/volumes", { name: "stray", size: 10, location: "nbg1", labels: {} })).volume.id;
  ids.ip = (await api<{ primary_ip: { id: number } }>("POST", "/primary_ips", { name: "k8s-ip", type: "ipv4", assignee_type: "server", location: "nbg1", labels: HK, auto_delete: false })).primary_ip.id;
  ids.key = (await api<{ ssh_key: { id: number } }>("POST", "/ssh_keys", { name: "hk-talos-build-1", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0sSg2x5y3y6GkdC2D7oJYx1Hk5QeAq3s1c1d9oYrG k", labels: HK })).ssh_key.id;
});
afterAll(async () => {
  await env.close();
});

async function discovered(type: string): Promise<Discovered[]> {
  return types.get(type)!.discover!(recordingContext(), "k8s");
}

describe("leftover discovery", () => {
  it.each([
    ["hcloud_server", () => [ids.cp, ids.hkServer]],
    ["hcloud_load_balancer", () => [ids.lb, ids.ccmOnNet, ids.ccmTargeting]],
    ["hcloud_network", () => [ids.net]],
    ["hcloud_placement_group", () => [ids.pg]],
    ["hcloud_volume", () => [ids.volume]],
    ["hcloud_primary_ip", () => [ids.ip]],
    ["hcloud_ssh_key", () => [ids.key]],
  ])("%s: finds what is labelled for the stack and nothing else", async (type, want) => {
    const found = await discovered(type);
    expect(found.map((f) => Number(f.id)).sort((a, b) => a - b)).toEqual(want().sort((a, b) => a - b));
    for (const f of found) expect(f.name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("orders deletes: networks, placement groups, volumes, IPs and keys after servers and load balancers", () => {
    for (const t of ["hcloud_network", "hcloud_placement_group", "hcloud_volume", "hcloud_primary_ip", "hcloud_ssh_key"]) {
      expect(types.get(t)!.deleteAfter).toEqual(["hcloud_server", "hcloud_load_balancer"]);
    }
    expect(types.get("hcloud_server")!.deleteAfter).toBeUndefined();
  });

  it("prices what a destroy saves from the API's own prices", async () => {
    const prices = await pricing(env.client);
    const monthly = (list: Array<{ location: string; price_monthly: { gross: string } }> | undefined) => Number(list?.find((p) => p.location === "nbg1")?.price_monthly.gross);
    const [server] = (await discovered("hcloud_server")).filter((f) => Number(f.id) === ids.cp);
    // With the primary IPv4 Hetzner made with it: unlabelled, it goes with the server and is priced there.
    const ipv4 = monthly(prices.primary_ips.find((p) => p.type === "ipv4")?.prices);
    expect(server?.inputs["ipv4"]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const saved = await types.get("hcloud_server")!.cost!(server!.inputs);
    expect(saved).toMatchObject({ currency: prices.currency, what: "cx33 in nbg1, with its primary IPv4" });
    expect(saved?.monthly).toBeCloseTo(monthly(prices.server_types.find((t) => t.name === "cx33")?.prices) + ipv4, 6);
    expect((await discovered("hcloud_primary_ip")).map((f) => f.inputs["ip"])).not.toContain(server?.inputs["ipv4"]);
    const [lb] = (await discovered("hcloud_load_balancer")).filter((f) => Number(f.id) === ids.lb);
    expect((await types.get("hcloud_load_balancer")!.cost!(lb!.inputs))?.monthly).toBe(monthly(prices.load_balancer_types.find((t) => t.name === "lb11")?.prices));
    const [vol] = await discovered("hcloud_volume");
    expect((await types.get("hcloud_volume")!.cost!(vol!.inputs))?.monthly).toBeCloseTo(10 * Number(prices.volume.price_per_gb_month.gross), 6);
    const [ip] = await discovered("hcloud_primary_ip");
    expect((await types.get("hcloud_primary_ip")!.cost!(ip!.inputs))?.monthly).toBe(ipv4);
    // One that goes with its server (auto_delete) saves nothing of its own: its server's price has it.
    expect(await types.get("hcloud_primary_ip")!.cost!({ ...ip!.inputs, deletedWithServer: true })).toBeUndefined();
  });

  it("never creates or changes anything", async () => {
    const t = types.get("hcloud_server")!;
    expect(() => t.create(recordingContext(), {}, { stack: "k8s", address: "hcloud_server.x", lineage: "l" })).toThrow(BugError);
    expect(() => t.update(recordingContext(), { id: "1", inputs: {}, outputs: {} }, {}, [])).toThrow(BugError);
  });

  it("deletes everything it found, in order, and leaves the rest alone", async () => {
    const order = ["hcloud_server", "hcloud_load_balancer", "hcloud_network", "hcloud_placement_group", "hcloud_volume", "hcloud_primary_ip", "hcloud_ssh_key"];
    for (const type of order) {
      for (const f of await discovered(type)) await types.get(type)!.delete(recordingContext(), f);
    }
    for (const type of order) expect(await discovered(type)).toEqual([]);
    const read = (type: string, id: number) => types.get(type)!.read(recordingContext(), { id: String(id), inputs: {}, outputs: {} });
    expect(await read("hcloud_server", ids.cp)).toEqual({ status: "gone" });
    for (const [type, id] of [
      ["hcloud_server", ids.unlabelled],
      ["hcloud_server", ids.otherServer],
      ["hcloud_load_balancer", ids.ccmOther],
      ["hcloud_network", ids.otherNet],
      ["hcloud_volume", ids.strayVolume],
    ] as const) {
      expect((await read(type, id)).status).toBe("found");
    }
  });
});
