// python3-hcloud 1.18.2 (Debian) against the emulator: it parses answers strictly (KeyError on a
// missing key), so these workflows prove the field set; every answer is also checked against the spec.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { python } from "./clients.js";
import { startFixture, type Fixture } from "./emulator-fixture.js";

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.close());
afterEach(() => {
  expect(fx.drainProblems()).toEqual([]);
});

/** Runs the script and returns what it printed as JSON. */
async function py<T = Record<string, unknown>>(script: string): Promise<T> {
  const r = await python(fx.url, script);
  if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const IMPORTS = `
from hcloud.server_types.domain import ServerType
from hcloud.images.domain import Image
from hcloud.locations.domain import Location
from hcloud.ssh_keys.domain import SSHKey
from hcloud.networks.domain import Network, NetworkSubnet
from hcloud.firewalls.domain import Firewall, FirewallRule, FirewallResource, FirewallResourceLabelSelector
from hcloud.load_balancers.domain import LoadBalancerTarget, LoadBalancerTargetLabelSelector, LoadBalancerService, LoadBalancerHealthCheck, LoadBalancerServiceHttp
from hcloud.load_balancer_types.domain import LoadBalancerType
from hcloud.placement_groups.domain import PlacementGroup
`;

describe("python3-hcloud against the emulator", () => {
  it("creates servers by name, rescues, powers off, snapshots and lists images by label", async () => {
    const out = await py<{ status: string; rescue: boolean; root: string | null; images: { desc: string; status: string; size: number }[]; action: string; dc: string; ipv4_id: number }>(`${IMPORTS}
key = client.ssh_keys.create(name="py-admin", public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl py@test")
pg = client.placement_groups.create(name="py-pg", type="spread").placement_group
resp = client.servers.create(name="py-1", server_type=ServerType(name="cx23"), image=Image(name="ubuntu-24.04"),
    location=Location(name="nbg1"), ssh_keys=[key], placement_group=pg, labels={"role": "builder"})
resp.action.wait_until_finished()
for a in resp.next_actions: a.wait_until_finished()
server = client.servers.get_by_id(resp.server.id)
rescue = server.enable_rescue(type="linux64", ssh_keys=[key.id])
rescue.action.wait_until_finished()
rescued = client.servers.get_by_id(server.id).rescue_enabled
server.power_off().wait_until_finished()
img = server.create_image(description="talos", type="snapshot", labels={"os": "talos"})
img.action.wait_until_finished()
images = client.images.get_all(type=["snapshot"], label_selector="os=talos")
fetched = client.actions.get_by_id(img.action.id)
server = client.servers.get_by_id(server.id)
print(json.dumps({"status": server.status, "rescue": rescued, "root": resp.root_password,
  "images": [{"desc": i.description, "status": i.status, "size": i.image_size} for i in images],
  "action": fetched.status, "dc": server.datacenter.name, "ipv4_id": server.public_net.primary_ipv4.id}))
server.delete().wait_until_finished()
`);
    expect(out).toMatchObject({ status: "off", rescue: true, root: null, action: "success", dc: "nbg1-dc3", images: [{ desc: "talos", status: "available", size: 0.42 }] });
    expect(out.ipv4_id).toBeGreaterThan(0);
  });

  it("runs firewalls: create with a label selector, set_rules, apply, remove, delete", async () => {
    const out = await py<{ applied: number[][]; pending: string[]; refused: string; rules: string[]; deleted: boolean }>(`${IMPORTS}
created = client.servers.create(name="py-fw", server_type=ServerType(name="cx23"), image=Image(name="debian-12"), labels={"role": "cp"})
created.action.wait_until_finished()
s = created.server
rules = [FirewallRule(direction="in", protocol="tcp", port="6443", source_ips=["0.0.0.0/0", "::/0"], description="api")]
resp = client.firewalls.create(name="py-fw1", rules=rules, labels={"cluster": "k8s"},
  resources=[FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector="role=cp"))])
for a in resp.actions: a.wait_until_finished()
fw = client.firewalls.get_by_id(resp.firewall.id)
# 1.18.2 does not model applied_to_resources: read it from the raw answer.
raw = client.request(url="/firewalls/%d" % fw.id, method="GET")["firewall"]
applied = [[r["server"]["id"] for r in a.get("applied_to_resources", [])] for a in raw["applied_to"]]
for a in fw.set_rules([FirewallRule(direction="in", protocol="icmp", source_ips=["0.0.0.0/0"])]): a.wait_until_finished()
for a in fw.apply_to_resources([FirewallResource(type="server", server=s)]): a.wait_until_finished()
try:
    fw.delete()
    refused = "deleted"
except APIException as e:
    refused = e.code
fw.remove_from_resources([FirewallResource(type="server", server=s), FirewallResource(type="label_selector", label_selector=FirewallResourceLabelSelector(selector="role=cp"))])
fw = client.firewalls.get_by_id(fw.id)
server = client.servers.get_by_id(s.id)
print(json.dumps({"applied": applied, "pending": [f.status for f in server.public_net.firewalls], "refused": refused,
  "rules": [r.protocol for r in fw.rules], "deleted": fw.delete()}))
s.delete()
`);
    expect(out.applied).toHaveLength(1);
    expect(out.applied[0]).toHaveLength(1);
    expect(out).toMatchObject({ pending: [], refused: "resource_in_use", rules: ["icmp"], deleted: true });
  });

  it("runs networks with subnets and load balancers with targets and services", async () => {
    const out = await py<{ subnets: string[]; targets: number; services: number[]; http: string; pub: boolean; private_ip: string }>(`${IMPORTS}
net = client.networks.create(name="py-net", ip_range="10.8.0.0/16", subnets=[NetworkSubnet(ip_range="10.8.1.0/24", network_zone="eu-central", type="cloud")])
net.add_subnet(NetworkSubnet(ip_range=None, network_zone="eu-central", type="cloud")).wait_until_finished()
created = client.servers.create(name="py-lb-t", server_type=ServerType(name="cx23"), image=Image(name="ubuntu-24.04"), networks=[net], labels={"role": "cp"})
created.action.wait_until_finished()
s = created.server
resp = client.load_balancers.create(name="py-lb", load_balancer_type=LoadBalancerType(name="lb11"), location=Location(name="nbg1"), network=net)
resp.action.wait_until_finished()
lb = resp.load_balancer
lb.add_target(LoadBalancerTarget(type="label_selector", label_selector=LoadBalancerTargetLabelSelector(selector="role=cp"), use_private_ip=True)).wait_until_finished()
hc = LoadBalancerHealthCheck(protocol="tcp", port=6443, interval=15, timeout=10, retries=3)
lb.add_service(LoadBalancerService(protocol="tcp", listen_port=6443, destination_port=6443, health_check=hc)).wait_until_finished()
lb.add_service(LoadBalancerService(protocol="http", listen_port=80, destination_port=8080, http=LoadBalancerServiceHttp(sticky_sessions=False, certificates=[]))).wait_until_finished()
lb = client.load_balancers.get_by_id(lb.id)
net = client.networks.get_by_id(net.id)
print(json.dumps({"subnets": [x.ip_range for x in net.subnets], "targets": len(lb.targets), "services": [x.listen_port for x in lb.services],
  "http": lb.services[1].http.cookie_name, "pub": lb.public_net.enabled, "private_ip": lb.private_net[0].ip}))
lb.delete()
s.delete()
net.delete()
`);
    expect(out).toMatchObject({ subnets: ["10.8.1.0/24", "10.8.0.0/24"], targets: 1, services: [6443, 80], http: "HCLBSTICKY", pub: true });
    expect(out.private_ip).toMatch(/^10\.8\.1\./);
  });

  it("raises APIException with code and details for not-found, uniqueness and invalid input", async () => {
    const out = await py<Record<string, [string, unknown]>>(`${IMPORTS}
def attempt(fn):
    try:
        fn()
        return ["ok", None]
    except APIException as e:
        return [e.code, e.details]
client.ssh_keys.create(name="dup", public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ5cwWSe7SrU7jFPhKDIGr5ErBzrC1R5oPHw4cO/Ajjm a@b")
print(json.dumps({
  "missing": attempt(lambda: client.request(url="/servers/424242", method="GET")),
  "dup": attempt(lambda: client.ssh_keys.create(name="dup", public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl c@d")),
  "invalid": attempt(lambda: client.servers.create(name="x", server_type=ServerType(name="cx22"), image=Image(name="ubuntu-24.04"))),
  "pg": attempt(lambda: client.placement_groups.create(name="py-pg2", type="spread")),
}))
`);
    expect(out.missing?.[0]).toBe("not_found");
    expect(out.dup).toEqual(["uniqueness_error", { fields: [{ name: "name" }] }]);
    expect(out.invalid).toEqual(["invalid_input", { fields: [{ name: "server_type", messages: ["server type not found"] }] }]);
    expect(out.pg).toEqual(["ok", null]);
  });
});
