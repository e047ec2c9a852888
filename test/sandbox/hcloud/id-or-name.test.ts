// Fields the real clients send as IDs where others send names (or as numeric strings), the legacy
// `datacenter` object they read on primary IPs, and the request rules an audit found missing.
import { describe, expect, it } from "vitest";
import { python } from "./clients.js";
import { useCliSession } from "./cli-session.js";

const s = useCliSession();
const url = () => s.session().fx.url;

async function py<T = Record<string, unknown>>(script: string): Promise<T> {
  const r = await python(url(), script);
  if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

async function api(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(url() + path, {
    method,
    headers: { Authorization: "Bearer t", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("ID-or-name fields and primary IPs with the real clients", () => {
  it("python creates a primary IP with a datacenter it looked up (sent as its ID) and reads .datacenter", async () => {
    const out = await py<{ dc: string; loc: string; fetched: string; listed: string[] }>(`
dc = client.datacenters.get_by_name("fsn1-dc14")
resp = client.primary_ips.create(type="ipv4", name="py-pip", datacenter=dc)
ip = client.primary_ips.get_by_id(resp.primary_ip.id)
print(json.dumps({"dc": resp.primary_ip.datacenter.name, "loc": ip.datacenter.location.name, "fetched": ip.datacenter.name,
  "listed": [x.datacenter.name for x in client.primary_ips.get_all(name="py-pip")]}))
ip.delete()
`);
    expect(out).toEqual({ dc: "fsn1-dc14", loc: "fsn1", fetched: "fsn1-dc14", listed: ["fsn1-dc14"] });
  });

  it("python creates a primary IP for a server (it sends a datacenter too): the IP lands in the server's location", async () => {
    const out = await py<{ dc: string; assignee: number; server: number; srv_ip: number }>(`
from hcloud.server_types.domain import ServerType
from hcloud.images.domain import Image
from hcloud.locations.domain import Location
from hcloud.servers.domain import ServerCreatePublicNetwork
created = client.servers.create(name="py-pip-srv", server_type=ServerType(name="cx23"), image=Image(name="debian-12"),
    location=Location(name="hel1"), start_after_create=False, public_net=ServerCreatePublicNetwork(enable_ipv4=False, enable_ipv6=True))
created.action.wait_until_finished()
srv = created.server
pip = client.primary_ips.create(type="ipv4", name="py-pip-srv-v4", datacenter=client.datacenters.get_by_name("fsn1-dc14"), assignee_id=srv.id).primary_ip
srv = client.servers.get_by_id(srv.id)
print(json.dumps({"dc": pip.datacenter.name, "assignee": pip.assignee_id, "server": srv.id, "srv_ip": srv.public_net.primary_ipv4.id - pip.id}))
srv.delete()
`);
    expect(out).toMatchObject({ dc: "hel1-dc2", assignee: out.server, srv_ip: 0 });
  });

  it("python adds a server to a placement group (it sends the group's ID as a string)", async () => {
    const out = await py<{ group: string | null }>(`
from hcloud.server_types.domain import ServerType
from hcloud.images.domain import Image
pg = client.placement_groups.create(name="py-pg-str", type="spread").placement_group
created = client.servers.create(name="py-pg-srv", server_type=ServerType(name="cx23"), image=Image(name="debian-12"), start_after_create=False)
created.action.wait_until_finished()
srv = created.server
srv.add_to_placement_group(pg).wait_until_finished()
srv = client.servers.get_by_id(srv.id)
print(json.dumps({"group": srv.placement_group.name if srv.placement_group else None}))
srv.delete()
`);
    expect(out.group).toBe("py-pg-str");
  });

  it("python changes a load balancer's type by a looked-up type (sent as its ID)", async () => {
    const out = await py<{ type: string }>(`
from hcloud.load_balancer_types.domain import LoadBalancerType
from hcloud.locations.domain import Location
lb = client.load_balancers.create(name="py-lb-type", load_balancer_type=LoadBalancerType(name="lb11"), location=Location(name="nbg1")).load_balancer
lb.change_type(client.load_balancer_types.get_by_name("lb21")).wait_until_finished()
print(json.dumps({"type": client.load_balancers.get_by_id(lb.id).load_balancer_type.name}))
lb.delete()
`);
    expect(out.type).toBe("lb21");
  });

  it("the CLI creates a primary IP by datacenter name and describes its datacenter", async () => {
    await s.ok("primary-ip", "create", "--type", "ipv6", "--name", "cli-pip", "--datacenter", "nbg1-dc3");
    const described = await s.ok("primary-ip", "describe", "cli-pip");
    expect(described).toMatch(/Datacenter:\s*\n\s+ID:\s+2\n\s+Name:\s+nbg1-dc3/);
    expect(described).toMatch(/Location:\s*\n\s+Name:\s+nbg1/);
    const asJson = await s.json<{ datacenter: { name: string }; location: { name: string } }>("primary-ip", "describe", "cli-pip");
    expect([asJson.datacenter.name, asJson.location.name]).toEqual(["nbg1-dc3", "nbg1"]);
    await s.ok("primary-ip", "delete", "cli-pip");
  });
});

describe("request rules found missing by the audit", () => {
  it("refuses a server with both location and datacenter (mutually exclusive) with 422 invalid_input", async () => {
    const both = await api("POST", "/servers", { name: "both", server_type: "cx23", image: "debian-12", location: "nbg1", datacenter: "nbg1-dc3" });
    expect(both.status).toBe(422);
    expect(both.body.error.code).toBe("invalid_input");
    expect(both.body.error.details.fields.map((f: { name: string }) => f.name)).toEqual(["location", "datacenter"]);
    const one = await api("POST", "/servers", { name: "by-dc-id", server_type: "cx23", image: "debian-12", datacenter: 3 });
    expect([one.status, one.body.server?.datacenter.name, one.body.server?.location.name]).toEqual([201, "hel1-dc2", "hel1"]);
    await api("DELETE", `/servers/${one.body.server.id}`);
  });

  it("refuses a primary IP with location and assignee_id, or location and datacenter", async () => {
    const srv = await api("POST", "/servers", { name: "pip-owner", server_type: "cx23", image: "debian-12", location: "fsn1", public_net: { enable_ipv4: false, enable_ipv6: true } });
    const withAssignee = await api("POST", "/primary_ips", { name: "x1", type: "ipv4", location: "fsn1", assignee_type: "server", assignee_id: srv.body.server.id });
    expect([withAssignee.status, withAssignee.body.error?.code]).toEqual([422, "invalid_input"]);
    const withDc = await api("POST", "/primary_ips", { name: "x2", type: "ipv4", location: "fsn1", datacenter: "fsn1-dc14" });
    expect([withDc.status, withDc.body.error?.code]).toEqual([422, "invalid_input"]);
    const byLocationId = await api("POST", "/primary_ips", { name: "x3", type: "ipv4", location: 3 });
    expect([byLocationId.status, byLocationId.body.primary_ip?.location.name, byLocationId.body.primary_ip?.datacenter.name]).toEqual([201, "hel1", "hel1-dc2"]);
    await api("DELETE", `/primary_ips/${byLocationId.body.primary_ip.id}`);
    await api("DELETE", `/servers/${srv.body.server.id}`);
  });

  it("accepts firewall port \"any\" for tcp and udp only", async () => {
    const rules = [
      { direction: "in", protocol: "tcp", port: "any", source_ips: ["0.0.0.0/0"] },
      { direction: "out", protocol: "udp", port: "any", destination_ips: ["::/0"] },
    ];
    const fw = await api("POST", "/firewalls", { name: "fw-any", rules });
    expect(fw.status).toBe(201);
    expect(fw.body.firewall.rules.map((r: { port: string }) => r.port)).toEqual(["any", "any"]);
    const icmp = await api("POST", "/firewalls", { name: "fw-any-icmp", rules: [{ direction: "in", protocol: "icmp", port: "any", source_ips: ["0.0.0.0/0"] }] });
    expect([icmp.status, icmp.body.error?.code]).toEqual([422, "invalid_input"]);
    const bad = await api("POST", "/firewalls", { name: "fw-any-bad", rules: [{ direction: "in", protocol: "tcp", port: "all", source_ips: ["0.0.0.0/0"] }] });
    expect([bad.status, bad.body.error?.code]).toEqual([422, "invalid_input"]);
    await api("DELETE", `/firewalls/${fw.body.firewall.id}`);
  });

  it("clamps per_page above 50 to 50 instead of refusing it", async () => {
    const big = await api("GET", "/locations?per_page=100");
    expect(big.status).toBe(200);
    expect(big.body.meta.pagination.per_page).toBe(50);
    expect((await api("GET", "/locations?per_page=0")).body.error?.code).toBe("invalid_input");
  });

  it("python unassigns a primary IP only from a stopped server, then deletes it", async () => {
    const out = await py<{ running: string; after: unknown; deleted: boolean }>(`
from hcloud import APIException
from hcloud.server_types.domain import ServerType
from hcloud.images.domain import Image
created = client.servers.create(name="py-unassign", server_type=ServerType(name="cx23"), image=Image(name="debian-12"))
for a in [created.action, *created.next_actions]:
    a.wait_until_finished()
srv = client.servers.get_by_id(created.server.id)
ip = client.primary_ips.get_by_id(srv.public_net.primary_ipv4.id)
try:
    ip.unassign()
    running = "accepted"
except APIException as e:
    running = e.code
client.servers.power_off(srv).wait_until_finished()
client.primary_ips.unassign(ip).wait_until_finished()
after = client.primary_ips.get_by_id(ip.id).assignee_id
client.primary_ips.delete(ip)
print(json.dumps({"running": running, "after": after, "deleted": client.primary_ips.get_by_name(ip.name) is None}))
`);
    expect(out).toEqual({ running: "server_not_stopped", after: null, deleted: true });
  });
});
