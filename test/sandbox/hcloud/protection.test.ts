// Delete protection on volumes and primary IPs: change_protection as the spec defines it (a
// `change_protection` action, the `protection` object following it) and 423 `protected` on delete,
// as for servers and images. Every answer is checked against Hetzner's response schemas.
import { describe, expect, it } from "vitest";
import { useCliSession } from "./cli-session.js";
import { actionsFinished, pythonJson, rest } from "./clients.js";

const s = useCliSession();
const url = () => s.session().fx.url;

interface Protected {
  id: number;
  protection: { delete: boolean };
}

describe("delete protection for volumes and primary IPs", () => {
  it("the CLI protects a volume, is refused its delete, and deletes it once unprotected", async () => {
    await s.ok("volume", "create", "--name", "prot-vol", "--size", "10", "--location", "nbg1");
    await s.ok("volume", "enable-protection", "prot-vol", "delete");
    expect((await s.json<Protected>("volume", "describe", "prot-vol")).protection).toEqual({ delete: true });
    const refused = await s.cli("volume", "delete", "prot-vol");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("(protected)");
    await s.ok("volume", "disable-protection", "prot-vol", "delete");
    expect((await s.json<Protected>("volume", "describe", "prot-vol")).protection).toEqual({ delete: false });
    await s.ok("volume", "delete", "prot-vol");
    expect((await s.cli("volume", "describe", "prot-vol")).stderr).toContain("not found");
  });

  it("the CLI protects a primary IP, is refused its delete, and deletes it once unprotected", async () => {
    await s.ok("primary-ip", "create", "--type", "ipv4", "--name", "prot-ip", "--datacenter", "fsn1-dc14");
    await s.ok("primary-ip", "enable-protection", "prot-ip");
    expect((await s.json<Protected>("primary-ip", "describe", "prot-ip")).protection).toEqual({ delete: true });
    const refused = await s.cli("primary-ip", "delete", "prot-ip");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("(protected)");
    await s.ok("primary-ip", "disable-protection", "prot-ip");
    expect((await s.json<Protected>("primary-ip", "describe", "prot-ip")).protection).toEqual({ delete: false });
    await s.ok("primary-ip", "delete", "prot-ip");
  });

  it("python changes protection on both and reads the action and the refusal", async () => {
    const out = await pythonJson<{ actions: [string, string, string[]][]; refused: string[]; after: boolean[] }>(
      url(),
      `
from hcloud.locations.domain import Location
vol = client.volumes.create(name="py-prot-vol", size=10, location=Location(name="hel1")).volume
ip = client.primary_ips.create(type="ipv6", datacenter=client.datacenters.get_by_name("hel1-dc2"), name="py-prot-ip").primary_ip
actions = []
for a in [vol.change_protection(delete=True), ip.change_protection(delete=True)]:
    a.wait_until_finished()
    actions.append([a.command, a.status, [r["type"] for r in a.resources]])
refused = []
for thing in [vol, ip]:
    try:
        thing.delete()
        refused.append("deleted")
    except APIException as e:
        refused.append(e.code)
after = [client.volumes.get_by_id(vol.id).protection["delete"], client.primary_ips.get_by_id(ip.id).protection["delete"]]
vol.change_protection(delete=False).wait_until_finished()
ip.change_protection(delete=False).wait_until_finished()
vol.delete()
ip.delete()
print(json.dumps({"actions": actions, "refused": refused, "after": after}))
`,
    );
    expect(out).toEqual({
      actions: [
        ["change_protection", "success", ["volume"]],
        ["change_protection", "success", ["primary_ip"]],
      ],
      refused: ["protected", "protected"],
      after: [true, true],
    });
  });

  it("answers the refusals with HTTP 423 protected, and reads the bodies as the spec says", async () => {
    const vol = (await rest(url(), "POST", "/volumes", { name: "http-prot-vol", size: 10, location: "nbg1" })).body.volume as Protected;
    const ip = (await rest(url(), "POST", "/primary_ips", { name: "http-prot-ip", type: "ipv4", location: "nbg1" })).body.primary_ip as Protected;
    const on = await rest(url(), "POST", `/volumes/${vol.id}/actions/change_protection`, { delete: true });
    expect([on.status, on.body.action.command, on.body.action.resources]).toEqual([201, "change_protection", [{ id: vol.id, type: "volume" }]]);
    // The volume's `delete` is optional (nothing changes without it); the primary IP's is required.
    expect((await rest(url(), "POST", `/volumes/${vol.id}/actions/change_protection`, {})).status).toBe(201);
    const noDelete = await rest(url(), "POST", `/primary_ips/${ip.id}/actions/change_protection`, {});
    expect([noDelete.status, noDelete.body.error.code]).toEqual([422, "invalid_input"]);
    await rest(url(), "POST", `/primary_ips/${ip.id}/actions/change_protection`, { delete: true });
    for (const path of [`/volumes/${vol.id}`, `/primary_ips/${ip.id}`]) {
      const refused = await rest(url(), "DELETE", path);
      expect([path, refused.status, refused.body.error.code]).toEqual([path, 423, "protected"]);
      expect((await rest(url(), "GET", path)).status).toBe(200);
    }
    expect((await rest(url(), "GET", `/volumes/${vol.id}`)).body.volume.protection).toEqual({ delete: true });
    for (const path of [`/volumes/${vol.id}`, `/primary_ips/${ip.id}`]) {
      expect((await rest(url(), "POST", `${path}/actions/change_protection`, { delete: false })).status).toBe(201);
      expect((await rest(url(), "DELETE", path)).status).toBe(204);
    }
  });

  it("refuses delete protection on a primary IP that is deleted with its server (auto_delete)", async () => {
    const srv = await rest(url(), "POST", "/servers", { name: "auto-ip", server_type: "cx23", image: "debian-12", public_net: { enable_ipv4: false, enable_ipv6: true } });
    const ipId = srv.body.server.public_net.ipv6.id as number;
    const refused = await rest(url(), "POST", `/primary_ips/${ipId}/actions/change_protection`, { delete: true });
    expect([refused.status, refused.body.error.code]).toEqual([422, "invalid_input"]);
    expect((await rest(url(), "GET", `/primary_ips/${ipId}`)).body.primary_ip.protection).toEqual({ delete: false });
    await rest(url(), "PUT", `/primary_ips/${ipId}`, { auto_delete: false });
    expect((await rest(url(), "POST", `/primary_ips/${ipId}/actions/change_protection`, { delete: true })).status).toBe(201);
    await rest(url(), "POST", `/primary_ips/${ipId}/actions/change_protection`, { delete: false });
    await rest(url(), "DELETE", `/servers/${srv.body.server.id}`);
    expect((await rest(url(), "DELETE", `/primary_ips/${ipId}`)).status).toBe(204);
  });

  it("a server's refused change_protection (rebuild without delete) leaves its protection as it was", async () => {
    const created = await rest(url(), "POST", "/servers", { name: "prot-srv", server_type: "cx23", image: "debian-12" });
    const srv = created.body.server as Protected;
    // The server is locked while it is being created and then started (create_server, then start_server).
    await actionsFinished(url(), [created.body.action, ...created.body.next_actions]);
    const refused = await rest(url(), "POST", `/servers/${srv.id}/actions/change_protection`, { rebuild: true });
    expect([refused.status, refused.body.error.code]).toEqual([422, "invalid_input"]);
    expect((await rest(url(), "GET", `/servers/${srv.id}`)).body.server.protection).toEqual({ delete: false, rebuild: false });
    expect((await rest(url(), "POST", `/servers/${srv.id}/actions/change_protection`, { delete: true, rebuild: true })).status).toBe(201);
    expect((await rest(url(), "GET", `/servers/${srv.id}`)).body.server.protection).toEqual({ delete: true, rebuild: true });
  });
});
