// CIDR blocks, parsed for real: node:net says whether the address is one, the prefix must fit
// its family. IPv4 blocks also answer containment (the control-plane subnet inside the network).
import { isIPv4, isIPv6 } from "node:net";

export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const address = m[1] as string;
  const prefix = Number(m[2]);
  if (isIPv4(address) && prefix <= 32) return { family: 4, address, prefix };
  if (isIPv6(address) && prefix <= 128) return { family: 6, address, prefix };
  return undefined;
}

function ipv4Number(address: string): number {
  return address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

/** The IPv4 block's first address and size. */
function ipv4Range(c: Cidr): { start: number; size: number } {
  const size = 2 ** (32 - c.prefix);
  return { start: Math.floor(ipv4Number(c.address) / size) * size, size };
}

/** True when IPv4 block `inner` lies inside IPv4 block `outer`. */
export function ipv4Contains(outer: Cidr, inner: Cidr): boolean {
  const o = ipv4Range(outer);
  const i = ipv4Range(inner);
  return i.start >= o.start && i.start + i.size <= o.start + o.size;
}

/** True when two IPv4 blocks share an address. */
export function ipv4Overlap(a: Cidr, b: Cidr): boolean {
  const x = ipv4Range(a);
  const y = ipv4Range(b);
  return x.start < y.start + y.size && y.start < x.start + x.size;
}
