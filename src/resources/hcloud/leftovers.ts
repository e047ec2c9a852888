// The leftover types of the destroy sweep: servers and load balancers first (CAPH's servers, its
// API load balancer, the load balancers the Hetzner CCM made for Services), then what they were
// attached to (networks, placement groups, volumes, primary IPs) and hk's temporary SSH keys.
//
// Each found object names the servers and load balancers it is tied to, as the API tells them
// (`after`): a volume goes after the server it is attached to, a primary IP after the server it
// is assigned to, a network after the servers and load balancers on it, a placement group after
// its servers. The engine orders such objects by `after` alone, so a failed server delete holds
// back only what is tied to that server; deleteAfter (by type) orders the rest.
import type { Cost, ResourceType } from "../../engine/resource.js";
import {
  deleteLoadBalancer,
  deleteNetwork,
  deletePlacementGroup,
  deletePrimaryIp,
  deleteServer,
  deleteSshKey,
  deleteVolume,
  detachVolume,
  getLoadBalancer,
  getNetwork,
  getPlacementGroup,
  getPrimaryIp,
  getServer,
  getSshKey,
  getVolume,
  listLoadBalancers,
  listNetworks,
  listPlacementGroups,
  listPrimaryIps,
  listServers,
  listSshKeys,
  listVolumes,
  primaryIpLocation,
  unassignPrimaryIp,
  type HcloudClient,
  type LoadBalancer,
} from "../../providers/hcloud/index.js";
import { monthlyLoadBalancer, monthlyPrimaryIp, monthlyServer, monthlyVolume } from "./cost.js";
import { leftoverType, type Tie } from "./leftover-type.js";
import { labelledFor, stackSelectors } from "./labels.js";

/** The label the Hetzner CCM puts on the load balancers it creates for Services. */
export const CCM_SERVICE_LABEL = "hcloud-ccm/service-uid";
const AFTER_MACHINES = ["hcloud_server", "hcloud_load_balancer"];

const tie = (type: Tie["type"], ids: readonly number[], how: string): Tie[] => ids.map((id) => ({ type, id, how }));

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * A server's price as its delete saves it: with its primary IPv4 when that goes with it
 * (auto_delete, as for the IPs Hetzner makes with a server, CAPH's included). Such an IP carries
 * no label, so the sweep never lists it on its own.
 */
async function serverSaving(c: HcloudClient, i: Record<string, unknown>): Promise<Cost> {
  const server = await monthlyServer(c, str(i["serverType"]), str(i["location"]));
  const address = str(i["ipv4"]);
  const ip = address === "" ? undefined : (await listPrimaryIps(c)).find((p) => p.ip === address && p.auto_delete);
  if (!ip) return server;
  const v4 = await monthlyPrimaryIp(c, "ipv4", str(i["location"]));
  return { monthly: Math.round((server.monthly + v4.monthly) * 1_000_000) / 1_000_000, currency: server.currency, what: `${server.what}, with its primary IPv4` };
}

/** CCM load balancers are labelled by Service, not by cluster: they belong to the stack when on its network or in front of its servers. */
async function ccmLoadBalancers(c: HcloudClient, stack: string): Promise<LoadBalancer[]> {
  const ccm = await listLoadBalancers(c, { labelSelector: CCM_SERVICE_LABEL });
  if (ccm.length === 0) return [];
  const networks = new Set<number>();
  const servers = new Set<number>();
  for (const sel of stackSelectors(stack)) {
    for (const n of await listNetworks(c, { labelSelector: sel })) if (labelledFor(n.labels, stack)) networks.add(n.id);
    for (const s of await listServers(c, { labelSelector: sel })) if (labelledFor(s.labels, stack)) servers.add(s.id);
  }
  return ccm.filter((lb) => {
    if (lb.private_net.some((p) => networks.has(p.network))) return true;
    const targets = lb.targets.flatMap((t) => [t.server?.id, ...(t.targets ?? []).map((x) => x.server?.id)]);
    return targets.some((id) => id !== undefined && servers.has(id));
  });
}

export function leftoverTypes(client: HcloudClient): ResourceType[] {
  return [
    leftoverType(client, {
      type: "hcloud_server",
      noun: "server",
      cli: "server",
      temporaries: true,
      list: (c, sel) => listServers(c, { labelSelector: sel }),
      get: (c, id) => getServer(c, id),
      isProtected: (s) => s.protection?.delete === true,
      remove: (c, s) => deleteServer(c, s.id),
      describe: (s) => ({ name: s.name, serverType: s.server_type.name, location: s.location?.name ?? "", labels: s.labels, ...(s.public_net.ipv4 ? { ipv4: s.public_net.ipv4.ip } : {}) }),
      cost: serverSaving,
    }),
    leftoverType(client, {
      type: "hcloud_load_balancer",
      noun: "load balancer",
      cli: "load-balancer",
      list: (c, sel) => listLoadBalancers(c, { labelSelector: sel }),
      get: (c, id) => getLoadBalancer(c, id),
      isProtected: (lb) => lb.protection?.delete === true,
      more: ccmLoadBalancers,
      remove: (c, lb) => deleteLoadBalancer(c, lb.id),
      describe: (lb) => ({ name: lb.name, loadBalancerType: lb.load_balancer_type.name, location: lb.location.name, labels: lb.labels }),
      cost: (c, i) => monthlyLoadBalancer(c, str(i["loadBalancerType"]), str(i["location"])),
    }),
    leftoverType(client, {
      type: "hcloud_network",
      noun: "network",
      cli: "network",
      list: (c, sel) => listNetworks(c, { labelSelector: sel }),
      get: (c, id) => getNetwork(c, id),
      isProtected: (n) => n.protection?.delete === true,
      ties: (n) => [...tie("hcloud_server", n.servers, "used by"), ...tie("hcloud_load_balancer", n.load_balancers ?? [], "used by")],
      remove: (c, n) => deleteNetwork(c, n.id),
      describe: (n) => ({ name: n.name, ipRange: n.ip_range, labels: n.labels }),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_placement_group",
      noun: "placement group",
      list: (c, sel) => listPlacementGroups(c, { labelSelector: sel }),
      get: getPlacementGroup,
      ties: (g) => tie("hcloud_server", g.servers, "holding"),
      remove: (c, g) => deletePlacementGroup(c, g.id),
      describe: (g) => ({ name: g.name, placementType: g.type, labels: g.labels }),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_volume",
      noun: "volume",
      cli: "volume",
      list: (c, sel) => listVolumes(c, { labelSelector: sel }),
      get: (c, id) => getVolume(c, id),
      isProtected: (v) => v.protection?.delete === true,
      ties: (v) => tie("hcloud_server", v.server === null ? [] : [v.server], "attached to"),
      remove: async (c, v, ctx) => {
        if (v.server !== null) {
          ctx.progress(`detaching volume ${v.name} from server ${v.server}`);
          await detachVolume(c, v.id);
        }
        await deleteVolume(c, v.id);
      },
      describe: (v) => ({ name: v.name, sizeGb: v.size, location: v.location.name, labels: v.labels }),
      cost: (c, i) => monthlyVolume(c, typeof i["sizeGb"] === "number" ? i["sizeGb"] : 0, str(i["location"])),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_primary_ip",
      noun: "primary IP",
      cli: "primary-ip",
      list: (c, sel) => listPrimaryIps(c, { labelSelector: sel }),
      get: (c, id) => getPrimaryIp(c, id),
      isProtected: (ip) => ip.protection?.delete === true,
      ties: (ip) => tie("hcloud_server", ip.assignee_id === null ? [] : [ip.assignee_id], "assigned to"),
      remove: async (c, ip, ctx) => {
        if (ip.assignee_id !== null) {
          ctx.progress(`unassigning ${ip.ip} from server ${ip.assignee_id}`);
          await unassignPrimaryIp(c, ip.id);
        }
        await deletePrimaryIp(c, ip.id);
      },
      describe: (ip) => ({ name: ip.name, ipType: ip.type, ip: ip.ip, location: primaryIpLocation(ip) ?? "", labels: ip.labels, ...(ip.auto_delete && ip.assignee_id !== null ? { deletedWithServer: true } : {}) }),
      // One that goes with its server is priced with it (serverSaving).
      cost: async (c, i) => (i["deletedWithServer"] === true ? undefined : monthlyPrimaryIp(c, i["ipType"] === "ipv6" ? "ipv6" : "ipv4", str(i["location"]))),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_ssh_key",
      noun: "SSH key",
      temporaries: true,
      list: (c, sel) => listSshKeys(c, { labelSelector: sel }),
      get: getSshKey,
      // Servers do not keep a reference to the key they were made with.
      ties: () => [],
      remove: (c, k) => deleteSshKey(c, k.id),
      describe: (k) => ({ name: k.name, fingerprint: k.fingerprint, labels: k.labels }),
      deleteAfter: AFTER_MACHINES,
    }),
  ];
}
