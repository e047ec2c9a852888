// Subnet and route validation for networks: subnets lie inside the network, are at least /30 wide,
// never overlap, and get the first free /24 when no ip_range is given.
import { LOCATIONS } from "./catalog.js";
import { invalidInput } from "./errors.js";
import { asObject } from "./input.js";
import { cidrText, containsCidr, containsIp, ipToInt, overlaps, parseCidr, size, type Cidr } from "./ip.js";
import type { NetworkRec, SubnetRec } from "./world-types.js";

const ZONES = new Set(LOCATIONS.map((l) => l.network_zone));

function firstFree24(net: Cidr, taken: Cidr[]): Cidr | undefined {
  const prefix = Math.max(24, net.prefix);
  for (let base = net.base; base < net.base + size(net); base += 2 ** (32 - prefix)) {
    const c = { base, prefix };
    if (!taken.some((t) => overlaps(t, c))) return c;
  }
  return undefined;
}

export function parseSubnet(raw: unknown, n: { ipRange: string; subnets: SubnetRec[] }, field: string): SubnetRec {
  const b = asObject(raw, field);
  const type = b.type;
  if (type !== "cloud" && type !== "server" && type !== "vswitch") throw invalidInput({ [`${field}.type`]: ["must be cloud, server or vswitch"] });
  const zone = b.network_zone;
  if (typeof zone !== "string" || !ZONES.has(zone)) throw invalidInput({ [`${field}.network_zone`]: ["is not a known network zone"] });
  const net = parseCidr(n.ipRange);
  if (!net) throw invalidInput({ ip_range: ["is invalid"] });
  const taken = n.subnets.map((s) => parseCidr(s.ip_range)).filter((c): c is Cidr => c !== undefined);
  let range: Cidr | undefined;
  if (typeof b.ip_range === "string" && b.ip_range !== "") {
    range = parseCidr(b.ip_range);
    if (!range || range.prefix > 30 || !containsCidr(net, range)) throw invalidInput({ [`${field}.ip_range`]: ["must be a CIDR of at least /30 inside the network's ip_range"] });
    const r = range;
    if (taken.some((t) => overlaps(t, r))) throw invalidInput({ [`${field}.ip_range`]: ["overlaps with another subnet"] });
  } else {
    range = firstFree24(net, taken);
    if (!range) throw invalidInput({ [`${field}.ip_range`]: ["no free /24 left in the network"] });
  }
  const vswitch = typeof b.vswitch_id === "number" ? b.vswitch_id : null;
  if (type === "vswitch" && vswitch === null) throw invalidInput({ [`${field}.vswitch_id`]: ["is required for vswitch subnets"] });
  return { type, ip_range: cidrText(range), network_zone: zone, vswitch_id: type === "vswitch" ? vswitch : null };
}

export function parseRoute(raw: unknown, n: { ipRange: string }, field: string): { destination: string; gateway: string } {
  const b = asObject(raw, field);
  const dest = typeof b.destination === "string" ? parseCidr(b.destination) : undefined;
  if (!dest) throw invalidInput({ [`${field}.destination`]: ["must be a CIDR"] });
  const gw = typeof b.gateway === "string" ? ipToInt(b.gateway) : undefined;
  const net = parseCidr(n.ipRange);
  if (gw === undefined || !net || !containsIp(net, gw) || gw === net.base + 1) {
    throw invalidInput({ [`${field}.gateway`]: ["must be an IP inside the network, not its gateway"] });
  }
  return { destination: cidrText(dest), gateway: String(b.gateway) };
}

export function validateIpRange(text: unknown): string {
  const c = typeof text === "string" ? parseCidr(text) : undefined;
  const blocks = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t));
  if (!c || c.prefix > 24 || !blocks.some((b) => b !== undefined && containsCidr(b, c))) {
    throw invalidInput({ ip_range: ["must be an RFC 1918 range of at least /24"] });
  }
  return cidrText(c);
}

/** Subnet the address belongs to, for refusing to delete subnets still in use. */
export function subnetHolds(s: SubnetRec, ip: string): boolean {
  const c = parseCidr(s.ip_range);
  const n = ipToInt(ip);
  return c !== undefined && n !== undefined && containsIp(c, n);
}

export function renderNetworkBase(n: NetworkRec, gateway: string): Record<string, unknown> {
  return {
    id: n.id,
    name: n.name,
    ip_range: n.ipRange,
    subnets: n.subnets.map((s) => ({ type: s.type, ip_range: s.ip_range, network_zone: s.network_zone, gateway, vswitch_id: s.vswitch_id })),
    routes: n.routes,
  };
}
