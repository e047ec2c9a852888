// The destroy sweep and Hetzner's delete protection: a protected leftover (and what is tied to it)
// is kept and says so with the command that lifts the protection, instead of failing its delete
// and holding back everything after it; each leftover names the objects it must follow; built
// snapshots are priced by their real size.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnyResourceType, StepContext } from "../../../src/engine/resource.js";
import type { JsonObject } from "../../../src/engine/values.js";
import { pricing } from "../../../src/providers/hcloud/index.js";
import { leftoverTypes, talosImageType } from "../../../src/resources/hcloud/index.js";
import type { Swept } from "../../../src/resources/hcloud/leftover-type.js";
import { hcloud } from "../../sandbox/hcloud/clients.js";
import { recordingContext, sandboxEnv, type SandboxEnv } from "./sandbox-env.js";

let env: SandboxEnv;
let types: Map<string, AnyResourceType>;
const ids = {} as Record<"net" | "pg" | "prot" | "free" | "protData" | "freeData" | "loose" | "ip" | "snap" | "protSnap" | "protVol" | "protIp", number>;
const CAPH = { "caph-cluster-k8s": "owned" };
const ORDER = ["hcloud_server", "hcloud_load_balancer", "hcloud_network", "hcloud_placement_group", "hcloud_volume", "hcloud_primary_ip", "hcloud_ssh_key", "hcloud_talos_image"];

beforeAll(async () => {
  env = await sandboxEnv();
  types = new Map([...leftoverTypes(env.client), talosImageType({ client: env.client, factory: env.factory, ssh: env.ssh })].map((t) => [t.type, t]));
  const api = env.api;
  ids.net = (await api<{ network: { id: number } }>("POST", "/networks", { name: "k8s", ip_range: "10.10.0.0/16", labels: CAPH, subnets: [{ type: "cloud", ip_range: "10.10.64.0/25", network_zone: "eu-central" }] })).network.id;
  ids.pg = (await api<{ placement_group: { id: number } }>("POST", "/placement_groups", { name: "k8s-cp", type: "spread", labels: CAPH })).placement_group.id;
  const server = async (name: string, extra: object) => (await api<{ server: { id: number } }>("POST", "/servers", { name, server_type: "cx33", image: "debian-12", location: "nbg1", labels: CAPH, ...extra })).server.id;
  ids.prot = await server("prot", { networks: [ids.net], placement_group: ids.pg });
  ids.free = await server("free", {});
  await api("POST", `/servers/${ids.prot}/actions/change_protection`, { delete: true });
  const volume = async (name: string, server?: number) => (await api<{ volume: { id: number } }>("POST", "/volumes", { name, size: 10, location: "nbg1", labels: CAPH, ...(server ? { server } : {}) })).volume.id;
  ids.protData = await volume("prot-data", ids.prot);
  ids.freeData = await volume("free-data", ids.free);
  ids.loose = await volume("loose");
  ids.ip = (await api<{ primary_ip: { id: number } }>("POST", "/primary_ips", { name: "k8s-ip", type: "ipv4", assignee_type: "server", location: "nbg1", labels: CAPH, auto_delete: false })).primary_ip.id;
  ids.protVol = await volume("prot-vol");
  await api("POST", `/volumes/${ids.protVol}/actions/change_protection`, { delete: true });
  ids.protIp = (await api<{ primary_ip: { id: number } }>("POST", "/primary_ips", { name: "prot-ip", type: "ipv4", assignee_type: "server", location: "nbg1", labels: CAPH, auto_delete: false })).primary_ip.id;
  await api("POST", `/primary_ips/${ids.protIp}/actions/change_protection`, { delete: true });
  const snapshot = async (description: string) =>
    (await api<{ image: { id: number } }>("POST", `/servers/${ids.free}/actions/create_image`, { type: "snapshot", description, labels: { "hk/stack": "k8s", "caph-image-name": description } })).image.id;
  ids.snap = await snapshot("talos-amd64-v1.11.0");
  ids.protSnap = await snapshot("talos-amd64-v1.10.0");
  await api("POST", `/images/${ids.protSnap}/actions/change_protection`, { delete: true });
});
afterAll(async () => {
  await env.close();
});

const swept = async (type: string): Promise<Swept[]> => (await types.get(type)!.discover!(recordingContext(), "k8s")) as Swept[];
const byId = async (type: string, id: number): Promise<Swept> => (await swept(type)).find((f) => Number(f.id) === id)!;

describe("leftover sweep and delete protection", () => {
  it("keeps a protected server and says so, with the command that lifts the protection", async () => {
    const prot = await byId("hcloud_server", ids.prot);
    expect(prot.keep).toBe("delete protection is on, so hk leaves this server; to delete it, run `hcloud server disable-protection prot delete` and destroy again");
    // Shown in the plan until the engine lists kept leftovers itself.
    expect(prot.inputs["kept"]).toBe(prot.keep);
    const free = await byId("hcloud_server", ids.free);
    expect(free.keep).toBeUndefined();
    expect(free.inputs["kept"]).toBeUndefined();
    expect(await types.get("hcloud_server")!.cost!(prot.inputs)).toBeUndefined();
    expect(await types.get("hcloud_server")!.cost!(free.inputs)).toBeDefined();
  });

  it("keeps what a protected server holds: its volume, its network, its placement group", async () => {
    expect((await byId("hcloud_volume", ids.protData)).keep).toMatch(/^attached to server prot, which has delete protection, so hk leaves this too; to delete both, run `hcloud server disable-protection prot delete`/);
    expect((await byId("hcloud_network", ids.net)).keep).toMatch(/^used by server prot, which has delete protection/);
    expect((await byId("hcloud_placement_group", ids.pg)).keep).toMatch(/^holding server prot, which has delete protection/);
    for (const id of [ids.freeData, ids.loose]) expect((await byId("hcloud_volume", id)).keep).toBeUndefined();
    expect((await byId("hcloud_primary_ip", ids.ip)).keep).toBeUndefined();
  });

  it("keeps a protected volume and primary IP, and the command it prints lifts the protection with the real hcloud CLI", async () => {
    const home = await mkdtemp(join(tmpdir(), "hk-hcloud-home-"));
    for (const [type, id, path] of [["hcloud_volume", ids.protVol, `/volumes/${ids.protVol}`], ["hcloud_primary_ip", ids.protIp, `/primary_ips/${ids.protIp}`]] as const) {
      const keep = (await byId(type, id)).keep ?? "";
      const command = /run `hcloud ([^`]+)`/.exec(keep)?.[1];
      expect(command, keep).toBeDefined();
      const r = await hcloud(env.endpoint, home, command!.split(" "));
      expect(r.stderr, command).toBe("");
      expect((await env.api<Record<string, { protection: { delete: boolean } }>>("GET", path))[type.replace("hcloud_", "")]?.protection.delete, command).toBe(false);
      expect((await byId(type, id)).keep).toBeUndefined();
    }
    await rm(home, { recursive: true, force: true });
  });

  it("names, per object, the servers each leftover must be deleted after", async () => {
    expect((await byId("hcloud_volume", ids.freeData)).after).toEqual([{ type: "hcloud_server", id: String(ids.free) }]);
    expect((await byId("hcloud_volume", ids.loose)).after).toEqual([]);
    expect((await byId("hcloud_network", ids.net)).after).toEqual([{ type: "hcloud_server", id: String(ids.prot) }]);
    expect((await byId("hcloud_placement_group", ids.pg)).after).toEqual([{ type: "hcloud_server", id: String(ids.prot) }]);
    expect((await byId("hcloud_primary_ip", ids.ip)).after).toEqual([]);
    for (const key of await swept("hcloud_ssh_key")) expect(key.after).toEqual([]);
    expect((await byId("hcloud_server", ids.free)).after).toBeUndefined();
  });

  it("keeps a protected leftover snapshot and prices the others by their real size", async () => {
    const images = types.get("hcloud_talos_image")!;
    const prot = await byId("hcloud_talos_image", ids.protSnap);
    expect(prot.keep).toBe(`delete protection is on, so hk leaves this snapshot; to delete it, run \`hcloud image disable-protection ${ids.protSnap} delete\` and destroy again`);
    expect(await images.cost!(prot.inputs)).toBeUndefined();
    const snap = await byId("hcloud_talos_image", ids.snap);
    const size = (await env.api<{ image: { image_size: number } }>("GET", `/images/${ids.snap}`)).image.image_size;
    expect(snap.inputs["sizeGb"]).toBe(size);
    const perGb = Number((await pricing(env.client)).image.price_per_gb_month.gross);
    const cost = await images.cost!(snap.inputs);
    expect(cost?.what).toBe(`snapshot, ${size} GB`);
    expect(cost?.monthly).toBeCloseTo(size * perGb, 6);
  });

  it("sweeps in today's type order without failing: the kept stay, everything else goes, unrelated volumes included", async () => {
    const failed: string[] = [];
    const progress: string[] = [];
    for (const type of ORDER) {
      for (const f of await swept(type)) {
        const ctx: StepContext = { ...recordingContext(), progress: (m) => progress.push(m) };
        // As the engine calls delete for a leftover: the plan's inputs, no outputs.
        await types
          .get(type)!
          .delete(ctx, { id: f.id, inputs: f.inputs as JsonObject, outputs: {} })
          .catch((e: unknown) => failed.push(`${type} ${f.id}: ${String(e)}`));
      }
    }
    expect(failed).toEqual([]);
    expect(progress.filter((m) => m.startsWith("kept: "))).toHaveLength(5);
    const exists = async (path: string) => (await env.api("GET", path).then(() => true, () => false));
    for (const p of [`/servers/${ids.prot}`, `/volumes/${ids.protData}`, `/networks/${ids.net}`, `/placement_groups/${ids.pg}`, `/images/${ids.protSnap}`]) expect(await exists(p), p).toBe(true);
    for (const p of [`/servers/${ids.free}`, `/volumes/${ids.freeData}`, `/volumes/${ids.loose}`, `/primary_ips/${ids.ip}`, `/images/${ids.snap}`]) expect(await exists(p), p).toBe(false);
  });

  it("refuses, with the command, to delete an object protected after the plan was made", async () => {
    const id = (await env.api<{ server: { id: number } }>("POST", "/servers", { name: "late", server_type: "cx33", image: "debian-12", location: "nbg1", labels: CAPH })).server.id;
    const planned = await byId("hcloud_server", id);
    await env.api("POST", `/servers/${id}/actions/change_protection`, { delete: true });
    await expect(types.get("hcloud_server")!.delete(recordingContext(), { id: planned.id, inputs: planned.inputs, outputs: {} })).rejects.toThrow(/got delete protection after the plan/);
  });
});
