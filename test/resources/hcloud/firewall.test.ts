// hcloud_firewall against the sandbox: applied by label selector (servers CAPI adds later are
// covered), rules and labels changed in place, deleted while applied, refreshed in bulk.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Owner } from "../../../src/engine/resource.js";
import { getFirewall, getServer } from "../../../src/providers/hcloud/index.js";
import { defaultFirewallRules, firewallInputs, firewallType, type FirewallInputs } from "../../../src/resources/hcloud/index.js";
import { recordingContext, sandboxEnv, type SandboxEnv } from "./sandbox-env.js";

const OWNER: Owner = { stack: "k8s", address: "hcloud_firewall.cluster", lineage: "0b6a1c4e-7d2f-4c1a-9e3b-5f8d2a6c4e10" };
const inputs = (over: Record<string, unknown> = {}): FirewallInputs => firewallInputs.parse({ name: "k8s-firewall", rules: defaultFirewallRules(["203.0.113.0/24"]), ...over });

let env: SandboxEnv;
beforeAll(async () => {
  env = await sandboxEnv();
});
afterAll(async () => {
  await env.close();
});

async function caphServer(name: string): Promise<number> {
  const res = await env.api<{ server: { id: number } }>("POST", "/servers", { name, server_type: "cx33", image: "debian-12", location: "nbg1", labels: { "caph-cluster-k8s": "owned" } });
  return res.server.id;
}

async function firewallsOn(serverId: number): Promise<number[]> {
  const s = await getServer(env.client, serverId);
  return (s?.public_net.firewalls ?? []).map((f) => f.id ?? 0);
}

describe("hcloud_firewall", () => {
  const type = () => firewallType({ client: env.client, inUseRetryMs: 5_000 });
  let id = "";
  let outputs = { firewallId: 0, name: "", labelSelector: "" };
  let early = 0;

  it("is created applied to CAPH's label, so servers that exist and servers added later are covered", async () => {
    early = await caphServer("k8s-cp-early");
    const made = await type().create(recordingContext(), inputs(), OWNER);
    id = made.id;
    outputs = made.outputs;
    expect(made.outputs).toMatchObject({ name: "k8s-firewall", labelSelector: "caph-cluster-k8s=owned" });
    const fw = await getFirewall(env.client, Number(id));
    expect(fw?.labels).toEqual({ "hk/stack": "k8s", "hk/address": "hcloud_firewall.cluster", "hk/lineage": OWNER.lineage });
    expect(fw?.applied_to.map((a) => a.label_selector?.selector)).toEqual(["caph-cluster-k8s=owned"]);
    const later = await caphServer("k8s-cp-later");
    expect(await firewallsOn(early)).toContain(Number(id));
    expect(await firewallsOn(later)).toContain(Number(id));
  });

  it("reads back exactly as declared", async () => {
    const read = await type().read(recordingContext(), { id, inputs: inputs(), outputs });
    expect(read).toEqual({ status: "found", inputs: inputs(), outputs });
    expect(type().find).toBeDefined();
    const found = await type().find!(recordingContext(), OWNER, inputs());
    expect(found?.id).toBe(id);
    // find reports the owner mark, whoever asks; mark puts the asker's on it, other labels kept.
    expect(found?.lineage).toBe(OWNER.lineage);
    expect((await type().discover!(recordingContext(), "k8s")).find((d) => d.id === id)?.lineage).toBe(OWNER.lineage);
    const other = { ...OWNER, lineage: "9d1e2f3a-0000-4000-8000-000000000001" };
    expect((await type().find!(recordingContext(), other, inputs()))?.lineage).toBe(OWNER.lineage);
    await type().mark!(recordingContext(), { id, inputs: inputs(), outputs }, other);
    expect((await getFirewall(env.client, Number(id)))?.labels).toEqual({ "hk/stack": "k8s", "hk/address": "hcloud_firewall.cluster", "hk/lineage": other.lineage });
    await type().mark!(recordingContext(), { id, inputs: inputs(), outputs }, OWNER);
    expect((await type().find!(recordingContext(), other, inputs()))?.lineage).toBe(OWNER.lineage);
  });

  it("changes rules in place with set_rules, and name and labels with a PUT", async () => {
    const before = inputs();
    const after = inputs({
      name: "k8s-fw",
      labels: { team: "platform" },
      rules: [...defaultFirewallRules(["198.51.100.0/24"]), { protocol: "udp", port: "51820", sourceIps: ["0.0.0.0/0"], description: "wireguard" }],
    });
    const changes = (await import("../../../src/engine/diff.js")).diffValues(before, after);
    expect(changes.map((c) => c.path)).toEqual(["labels.team", "name", "rules"]);
    const updated = await type().update(recordingContext(), { id, inputs: before, outputs }, after, changes);
    outputs = updated.outputs;
    const read = await type().read(recordingContext(), { id, inputs: after, outputs });
    expect(read).toEqual({ status: "found", inputs: after, outputs: { ...outputs, name: "k8s-fw" } });
    const fw = await getFirewall(env.client, Number(id));
    expect(fw?.labels).toEqual({ team: "platform", "hk/stack": "k8s", "hk/address": "hcloud_firewall.cluster", "hk/lineage": OWNER.lineage });
    expect(await firewallsOn(early)).toContain(Number(id));
  });

  it("shows a server it was applied to directly as drift, and the update takes it off so only the selector remains", async () => {
    const current = inputs({ name: "k8s-fw", labels: { team: "platform" }, rules: [...defaultFirewallRules(["198.51.100.0/24"]), { protocol: "udp", port: "51820", sourceIps: ["0.0.0.0/0"], description: "wireguard" }] });
    const pet = (await env.api<{ server: { id: number } }>("POST", "/servers", { name: "some-other-server", server_type: "cx33", image: "debian-12", location: "nbg1", labels: {} })).server.id;
    await env.api("POST", `/firewalls/${id}/actions/apply_to_resources`, { apply_to: [{ type: "server", server: { id: pet } }] });
    const read = await type().read(recordingContext(), { id, inputs: current, outputs });
    expect(read.status).toBe("found");
    const observed = (read as { inputs: FirewallInputs }).inputs;
    expect(observed).toEqual({ ...current, alsoAppliedTo: [`server ${pet}`] });
    const changes = (await import("../../../src/engine/diff.js")).diffValues(observed, current);
    expect(changes).toEqual([{ path: "alsoAppliedTo", before: [`server ${pet}`], after: undefined, forcesReplacement: false }]);
    const ctx = recordingContext();
    await type().update(ctx, { id, inputs: observed, outputs }, current, changes);
    expect(ctx.messages.join("\n")).toMatch(new RegExp(`removing it from 1 server it was applied to directly \\(${pet}\\)`));
    expect(await firewallsOn(pet)).not.toContain(Number(id));
    expect(await firewallsOn(early)).toContain(Number(id));
    expect((await getFirewall(env.client, Number(id)))?.applied_to.map((a) => a.type)).toEqual(["label_selector"]);
    expect(await type().read(recordingContext(), { id, inputs: current, outputs })).toEqual({ status: "found", inputs: current, outputs });
  });

  it("is deleted while applied: removed from its servers first, saying which", async () => {
    const ctx = recordingContext();
    await type().delete(ctx, { id, inputs: inputs(), outputs });
    expect(ctx.messages).toContain(`removing it from the servers matching ${outputs.labelSelector}`);
    expect(await getFirewall(env.client, Number(id))).toBeUndefined();
    expect(await firewallsOn(early)).not.toContain(Number(id));
    const read = await type().read(recordingContext(), { id, inputs: inputs(), outputs });
    expect(read).toEqual({ status: "gone" });
    await type().delete(recordingContext(), { id, inputs: inputs(), outputs });
  });

  it("refreshes 51 firewalls with ceil(51/50) = 2 list calls", async () => {
    const made: string[] = [];
    for (let i = 0; i < 51; i++) {
      const res = await env.api<{ firewall: { id: number } }>("POST", "/firewalls", { name: `fw-${i}`, labels: { "hk/stack": "k8s", "hk/address": `hcloud_firewall.f${i}` }, rules: [] });
      made.push(String(res.firewall.id));
    }
    await env.api("POST", "/firewalls", { name: "not-ours", labels: {}, rules: [] });
    const before = env.requests.length;
    const current = made.map((fid) => ({ id: fid, inputs: inputs({ name: "x" }), outputs: { firewallId: Number(fid), name: "x", labelSelector: "" } }));
    const results = await type().readMany!(recordingContext(), [...current, { ...current[0]!, id: "999999" }]);
    const calls = env.requests.slice(before);
    expect(calls.filter((r) => r.method === "GET" && r.path === "/firewalls")).toHaveLength(2);
    expect(calls.filter((r) => r.path !== "/firewalls").map((r) => r.path)).toEqual(["/firewalls/999999"]);
    expect([...results.values()].filter((r) => r.status === "found")).toHaveLength(51);
    expect(results.get("999999")).toEqual({ status: "gone" });
  });
});
