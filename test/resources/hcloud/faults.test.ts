// With one request in ten going wrong (429s, 5xx, dropped connections, some after the request took
// effect, slow answers), a full image build and a firewall create still succeed and leave nothing behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listImages, listServers, listSshKeys, listFirewalls } from "../../../src/providers/hcloud/index.js";
import { defaultFirewallRules, firewallInputs, firewallType, talosImageInputs, talosImageType } from "../../../src/resources/hcloud/index.js";
import { OWNER, recordingContext, sandboxEnv, type SandboxEnv } from "./sandbox-env.js";

let env: SandboxEnv;
beforeAll(async () => {
  env = await sandboxEnv({ faults: { rate: 0.1, seed: 7 } });
});
afterAll(async () => {
  await env.close();
});

describe("at a 10% fault rate", () => {
  it("builds the image and creates the firewall", async () => {
    const image = talosImageType({ client: env.client, factory: env.factory, ssh: env.ssh });
    const made = await image.create(recordingContext(), talosImageInputs.parse({ talosVersion: "v1.12.2" }), OWNER);
    const fw = await firewallType({ client: env.client }).create(recordingContext(), firewallInputs.parse({ name: "k8s-firewall", rules: defaultFirewallRules(["203.0.113.0/24"]) }), { stack: "k8s", address: "hcloud_firewall.cluster", lineage: OWNER.lineage });

    const failures = env.requests.filter((r) => r.status === 0 || r.status === 429 || r.status >= 500);
    expect(failures.length).toBeGreaterThan(0);
    expect(await listImages(env.client, { type: "snapshot" })).toHaveLength(1);
    expect((await listImages(env.client, { type: "snapshot" }))[0]?.id).toBe(made.outputs.imageId);
    expect(await listServers(env.client)).toEqual([]);
    expect(await listSshKeys(env.client)).toEqual([]);
    expect((await listFirewalls(env.client)).map((f) => f.id)).toEqual([fw.outputs.firewallId]);
  });
});
