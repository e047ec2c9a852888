// Giving servers and load balancers an address in a private network: a subnet of the resource's
// network zone is picked (or named by ip_range), and the first free host is taken unless an IP is asked for.
import { locationByName } from "./catalog.js";
import { notFound, opError } from "./errors.js";
import { containsIp, freeHost, intToIp, ipToInt, parseCidr } from "./ip.js";
import type { Project } from "./project.js";
import type { NetworkRec } from "./world-types.js";

export function network(p: Project, id: number): NetworkRec {
  const n = p.data.networks.find((x) => x.id === id);
  if (!n) throw notFound(`network with ID ${id}`);
  return n;
}

/** The network's gateway: its first host (10.0.0.1 for 10.0.0.0/16). */
export function gatewayOf(n: NetworkRec): string {
  const c = parseCidr(n.ipRange);
  return c ? intToIp(c.base + 1) : "";
}

export function takenIps(p: Project, networkId: number): Set<string> {
  const taken = new Set<string>();
  for (const s of p.data.servers) {
    for (const pn of s.privateNet) if (pn.network === networkId) [pn.ip, ...pn.alias_ips].forEach((ip) => taken.add(ip));
  }
  for (const lb of p.data.loadBalancers) for (const pn of lb.privateNet) if (pn.network === networkId) taken.add(pn.ip);
  return taken;
}

/** Picks the address for a resource in `location`; throws the API's attach errors. */
export function allocatePrivateIp(p: Project, n: NetworkRec, location: string, want: { ip?: string | undefined; ipRange?: string | undefined }): string {
  const zone = locationByName(location)?.network_zone;
  const subnets = n.subnets.filter((s) => s.type !== "vswitch" && s.network_zone === zone && (want.ipRange === undefined || s.ip_range === want.ipRange));
  if (subnets.length === 0) throw opError(422, "no_subnet_available", `network ${n.id} has no subnet in network zone ${zone ?? location}`);
  const taken = takenIps(p, n.id);
  const gateway = gatewayOf(n);
  if (want.ip !== undefined) {
    const ipInt = ipToInt(want.ip);
    const inSubnet = ipInt !== undefined && subnets.some((s) => {
      const c = parseCidr(s.ip_range);
      return c !== undefined && containsIp(c, ipInt);
    });
    if (!inSubnet || taken.has(want.ip) || want.ip === gateway) throw opError(422, "ip_not_available", `IP ${want.ip} is not available`);
    return want.ip;
  }
  for (const s of subnets) {
    const c = parseCidr(s.ip_range);
    const ip = c && freeHost(c, taken, gateway);
    if (ip) return ip;
  }
  throw opError(422, "ip_not_available", `no free IP left in network ${n.id}`);
}

export function macFor(serverId: number, networkId: number): string {
  const n = (serverId * 31 + networkId) % 2 ** 24;
  const bytes = [n >> 16, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, "0"));
  return `86:00:00:${bytes.join(":")}`;
}
