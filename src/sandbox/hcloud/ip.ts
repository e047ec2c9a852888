// IPv4 arithmetic for networks and subnets, and the allocator for public addresses. Public IPv4s
// come from the documentation ranges (TEST-NET-1/2/3), IPv6 /64s from 2001:db8::/32, so nothing
// the sandbox hands out can ever be a real host.

export interface Cidr {
  base: number;
  prefix: number;
}

export function ipToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

export function parseCidr(text: string): Cidr | undefined {
  const [ip = "", len = ""] = text.split("/");
  const base = ipToInt(ip);
  const prefix = Number(len);
  if (base === undefined || !/^\d{1,2}$/.test(len) || prefix > 32) return undefined;
  if (base % size({ base, prefix }) !== 0) return undefined;
  return { base, prefix };
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrText(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

export function containsIp(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + size(c);
}

export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && containsIp(outer, inner.base);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function isPrivate(c: Cidr): boolean {
  const blocks = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((t) => parseCidr(t));
  return blocks.some((b) => b !== undefined && containsCidr(b, c));
}

/** First host of a subnet that is not its network/broadcast address, the gateway, or taken. */
export function freeHost(subnet: Cidr, taken: ReadonlySet<string>, gateway: string): string | undefined {
  for (let n = subnet.base + 1; n < subnet.base + size(subnet) - 1; n++) {
    const ip = intToIp(n);
    if (ip !== gateway && !taken.has(ip)) return ip;
  }
  return undefined;
}

const PUBLIC_V4 = ["192.0.2.0", "198.51.100.0", "203.0.113.0"].map((b) => ipToInt(b) ?? 0);

/** The n-th public IPv4 (hosts .1-.254 of the three TEST-NETs, wrapping). */
export function publicIpv4(n: number): string {
  const slot = n % (PUBLIC_V4.length * 254);
  return intToIp((PUBLIC_V4[Math.floor(slot / 254)] ?? 0) + (slot % 254) + 1);
}

export function publicIpv6(n: number): string {
  return `2001:db8:${(n % 65535).toString(16)}::/64`;
}
