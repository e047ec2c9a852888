// The leftover types of the destroy sweep: servers and load balancers first (CAPH's servers, its
// API load balancer, the load balancers the Hetzner CCM made for Services), then what they were
// attached to (networks, placement groups, volumes, primary IPs) and hk's temporary SSH keys.
import type { ResourceType } from "../../engine/resource.js";
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
import { leftoverType } from "./leftover-type.js";
import { labelledFor, stackSelectors } from "./labels.js";

/** The label the Hetzner CCM puts on the load balancers it creates for Services. */
export const CCM_SERVICE_LABEL = "hcloud-ccm/service-uid";
const AFTER_MACHINES = ["hcloud_server", "hcloud_load_balancer"];

const str = (v: unknown): string => (typeof v === "string" ? v : "");

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
      list: (c, sel) => listServers(c, { labelSelector: sel }),
      get: getServer,
      remove: (c, s) => deleteServer(c, s.id),
      describe: (s) => ({ name: s.name, serverType: s.server_type.name, location: s.location?.name ?? "", labels: s.labels }),
      cost: (c, i) => monthlyServer(c, str(i["serverType"]), str(i["location"])),
    }),
    leftoverType(client, {
      type: "hcloud_load_balancer",
      noun: "load balancer",
      list: (c, sel) => listLoadBalancers(c, { labelSelector: sel }),
      get: getLoadBalancer,
      more: ccmLoadBalancers,
      remove: (c, lb) => deleteLoadBalancer(c, lb.id),
      describe: (lb) => ({ name: lb.name, loadBalancerType: lb.load_balancer_type.name, location: lb.location.name, labels: lb.labels }),
      cost: (c, i) => monthlyLoadBalancer(c, str(i["loadBalancerType"]), str(i["location"])),
    }),
    leftoverType(client, {
      type: "hcloud_network",
      noun: "network",
      list: (c, sel) => listNetworks(c, { labelSelector: sel }),
      get: getNetwork,
      remove: (c, n) => deleteNetwork(c, n.id),
      describe: (n) => ({ name: n.name, ipRange: n.ip_range, labels: n.labels }),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_placement_group",
      noun: "placement group",
      list: (c, sel) => listPlacementGroups(c, { labelSelector: sel }),
      get: getPlacementGroup,
      remove: (c, g) => deletePlacementGroup(c, g.id),
      describe: (g) => ({ name: g.name, placementType: g.type, labels: g.labels }),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_volume",
      noun: "volume",
      list: (c, sel) => listVolumes(c, { labelSelector: sel }),
      get: getVolume,
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
      list: (c, sel) => listPrimaryIps(c, { labelSelector: sel }),
      get: getPrimaryIp,
      remove: async (c, ip, ctx) => {
        if (ip.assignee_id !== null) {
          ctx.progress(`unassigning ${ip.ip} from server ${ip.assignee_id}`);
          await unassignPrimaryIp(c, ip.id);
        }
        await deletePrimaryIp(c, ip.id);
      },
      describe: (ip) => ({ name: ip.name, ipType: ip.type, ip: ip.ip, location: primaryIpLocation(ip) ?? "", labels: ip.labels }),
      cost: (c, i) => monthlyPrimaryIp(c, i["ipType"] === "ipv6" ? "ipv6" : "ipv4", str(i["location"])),
      deleteAfter: AFTER_MACHINES,
    }),
    leftoverType(client, {
      type: "hcloud_ssh_key",
      noun: "SSH key",
      list: (c, sel) => listSshKeys(c, { labelSelector: sel }),
      get: getSshKey,
      remove: (c, k) => deleteSshKey(c, k.id),
      describe: (k) => ({ name: k.name, fingerprint: k.fingerprint, labels: k.labels }),
      deleteAfter: AFTER_MACHINES,
    }),
  ];
}
