// A primary IP goes only to a stopped server: creating one with `assignee_id` and the assign action
// answer 422 server_not_stopped for any other status (the spec's error tables for both), and a
// refused request changes nothing.
import { describe, expect, it } from "vitest";
import { useCliSession } from "./cli-session.js";
import { pythonJson, rest } from "./clients.js";

const s = useCliSession();
const url = () => s.session().fx.url;

interface ServerView {
  id: number;
  status: string;
  public_net: { ipv4: { id: number } | null };
}

describe("assigning primary IPs", () => {
  it("the CLI moves a primary IP to another server only while that server is off", async () => {
    await s.ok("server", "create", "--name", "pip-from", "--type", "cx23", "--image", "debian-12", "--location", "nbg1");
    await s.ok("server", "create", "--name", "pip-to", "--type", "cx23", "--image", "debian-12", "--location", "nbg1", "--without-ipv4");
    const from = await s.json<ServerView>("server", "describe", "pip-from");
    const ip = String(from.public_net.ipv4?.id);
    await s.ok("server", "poweroff", "pip-from");
    await s.ok("primary-ip", "unassign", ip);

    const running = await s.cli("primary-ip", "assign", ip, "--server", "pip-to");
    expect(running.code).not.toBe(0);
    expect(running.stderr).toContain("server_not_stopped");
    const to = await s.json<ServerView>("server", "describe", "pip-to");
    expect([to.status, to.public_net.ipv4]).toEqual(["running", null]);
    // `primary-ip create --assignee-id` is no help here: CLI 1.30.3 never sends `assignee_id` (as with --label).

    await s.ok("server", "poweroff", "pip-to");
    await s.ok("primary-ip", "assign", ip, "--server", "pip-to");
    expect((await s.json<ServerView>("server", "describe", "pip-to")).public_net.ipv4?.id).toBe(Number(ip));
    expect((await s.json<{ assignee_id: number }>("primary-ip", "describe", ip)).assignee_id).toBe(to.id);
    expect((await s.cli("primary-ip", "assign", ip, "--server", "pip-from")).stderr).toContain("primary_ip_already_assigned");
    await s.ok("server", "delete", "pip-from");
    await s.ok("server", "delete", "pip-to");
  });

  it("python gets server_not_stopped for a running server, then assigns once it is off", async () => {
    const out = await pythonJson<{ create: string; assign: string; made: boolean; assignee: number; server: number; server_ip: number }>(
      url(),
      `
from hcloud.server_types.domain import ServerType
from hcloud.images.domain import Image
from hcloud.servers.domain import ServerCreatePublicNetwork
created = client.servers.create(name="py-assign", server_type=ServerType(name="cx23"), image=Image(name="debian-12"),
    public_net=ServerCreatePublicNetwork(enable_ipv4=False, enable_ipv6=True))
for a in [created.action, *created.next_actions]:
    a.wait_until_finished()
srv = created.server
dc = client.datacenters.get_by_name("nbg1-dc3")
try:
    client.primary_ips.create(type="ipv4", datacenter=dc, name="py-assign-v4", assignee_id=srv.id)
    create = "accepted"
except APIException as e:
    create = e.code
spare = client.primary_ips.create(type="ipv4", datacenter=dc, name="py-spare-v4").primary_ip
try:
    spare.assign(srv.id, "server")
    assign = "accepted"
except APIException as e:
    assign = e.code
made = client.primary_ips.get_by_name("py-assign-v4") is not None
client.servers.power_off(srv).wait_until_finished()
spare.assign(srv.id, "server").wait_until_finished()
print(json.dumps({"create": create, "assign": assign, "made": made, "assignee": client.primary_ips.get_by_id(spare.id).assignee_id,
  "server": srv.id, "server_ip": client.servers.get_by_id(srv.id).public_net.primary_ipv4.id - spare.id}))
srv.delete()
spare.delete()
`,
    );
    expect(out).toEqual({ create: "server_not_stopped", assign: "server_not_stopped", made: false, assignee: out.server, server: out.server, server_ip: 0 });
  });

  it("answers both refusals with HTTP 422 and the spec's code", async () => {
    const srv = await rest(url(), "POST", "/servers", { name: "pip-http", server_type: "cx23", image: "debian-12", public_net: { enable_ipv4: false, enable_ipv6: true } });
    const id = srv.body.server.id as number;
    const initializing = await rest(url(), "POST", "/primary_ips", { name: "pip-http-v4", type: "ipv4", assignee_type: "server", assignee_id: id });
    expect([initializing.status, initializing.body.error?.code]).toEqual([422, "server_not_stopped"]);
    const spare = await rest(url(), "POST", "/primary_ips", { name: "pip-http-spare", type: "ipv4", location: "nbg1" });
    const assign = await rest(url(), "POST", `/primary_ips/${spare.body.primary_ip.id}/actions/assign`, { assignee_type: "server", assignee_id: id });
    expect([assign.status, assign.body.error?.code]).toEqual([422, "server_not_stopped"]);
    expect((await rest(url(), "GET", `/primary_ips/${spare.body.primary_ip.id}`)).body.primary_ip.assignee_id).toBeNull();
    await rest(url(), "DELETE", `/primary_ips/${spare.body.primary_ip.id}`);
    await rest(url(), "DELETE", `/servers/${id}`);
  });
});
