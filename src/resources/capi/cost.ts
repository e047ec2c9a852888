// What the Cluster API side costs a month: the servers CAPH makes for the control plane and every
// worker pool, a primary IPv4 for each (CAPH's servers have public IPv4; IPv6 is free) and the API
// load balancer, priced from Hetzner's own list through src/resources/hcloud/cost.ts. One figure
// for the capi_cluster resource's cost(), and the difference between two specs for a plan.
import type { Cost } from "../../engine/resource.js";
import type { HcloudClient } from "../../providers/hcloud/index.js";
import { monthlyLoadBalancer, monthlyPrimaryIp, monthlyServer } from "../hcloud/cost.js";
import type { CapiSpec } from "./consequences.js";

export type CapiCostSpec = Pick<CapiSpec, "location" | "controlPlane" | "loadBalancerType" | "workers">;

const round = (n: number) => Math.round(n * 100) / 100;
const money = (n: number, currency: string) => `${currency === "EUR" ? "€" : `${currency} `}${round(Math.abs(n)).toFixed(2)}`;
const servers = (n: number) => `${n} server${n === 1 ? "" : "s"}`;
const signed = (n: number, currency: string) => `${n < 0 ? "−" : "+"}${money(n, currency)}/month`;

/** Server count per server type, control plane first, in config order. */
function serverGroups(spec: CapiCostSpec): { count: number; type: string; what: string }[] {
  const cp = { count: spec.controlPlane.replicas, type: spec.controlPlane.serverType, what: `${spec.controlPlane.replicas} × ${spec.controlPlane.serverType}` };
  const pools = spec.workers.filter((w) => w.replicas > 0).map((w) => ({ count: w.replicas, type: w.serverType, what: `${w.replicas} × ${w.serverType} (pool ${w.name})` }));
  return [cp, ...pools];
}

/** One combined figure: "CAPH: 3 × cx33, 2 × cx43 (pool gpu), 5 primary IPv4, lb11 in nbg1". */
export async function capiServerCosts(client: HcloudClient, spec: CapiCostSpec): Promise<Cost> {
  const groups = serverGroups(spec);
  let total = 0;
  for (const g of groups) total += (await monthlyServer(client, g.type, spec.location)).monthly * g.count;
  const servers = groups.reduce((n, g) => n + g.count, 0);
  const ipv4 = await monthlyPrimaryIp(client, "ipv4", spec.location);
  total += ipv4.monthly * servers;
  const lb = await monthlyLoadBalancer(client, spec.loadBalancerType, spec.location);
  total += lb.monthly;
  const ips = ipv4.monthly > 0 ? [`${servers} primary IPv4`] : [];
  return { monthly: Math.round(total * 1_000_000) / 1_000_000, currency: lb.currency, what: `CAPH: ${[...groups.map((g) => g.what), ...ips, spec.loadBalancerType].join(", ")} in ${spec.location}` };
}

export interface CapiCostChange {
  /** after − before, a month. */
  monthly: number;
  currency: string;
  /** One line per change, each with its money: "+2 × cx33 in pool web (+€15.98/month)". */
  lines: string[];
}

async function serverWithIp(client: HcloudClient, type: string, location: string): Promise<{ monthly: number; currency: string }> {
  const [server, ip] = [await monthlyServer(client, type, location), await monthlyPrimaryIp(client, "ipv4", location)];
  return { monthly: server.monthly + ip.monthly, currency: server.currency };
}

/** Replicas and server type of one group of servers, before and after, in words and money. */
async function groupChange(client: HcloudClient, label: string, location: string, b: { replicas: number; serverType: string } | undefined, a: { replicas: number; serverType: string } | undefined): Promise<{ delta: number; lines: string[] }> {
  const price = async (g: { replicas: number; serverType: string } | undefined) => (g && g.replicas > 0 ? (await serverWithIp(client, g.serverType, location)).monthly * g.replicas : 0);
  const delta = (await price(a)) - (await price(b));
  const { currency } = await monthlyPrimaryIp(client, "ipv4", location);
  const lines: string[] = [];
  // A pool of zero servers costs nothing and has nothing to add, remove or replace.
  if (!b || b.replicas === 0) b = undefined;
  if (!a || a.replicas === 0) a = undefined;
  if (!b && a) lines.push(`+${a.replicas} × ${a.serverType} ${label} (${signed(delta, currency)})`);
  else if (b && !a) lines.push(`−${b.replicas} × ${b.serverType} ${label} (${signed(delta, currency)})`);
  else if (b && a) {
    if (b.serverType !== a.serverType) lines.push(`${label} ${b.serverType} → ${a.serverType}: ${servers(Math.min(a.replicas, b.replicas))} replaced one at a time`);
    if (a.replicas !== b.replicas) lines.push(`${a.replicas > b.replicas ? "+" : "−"}${Math.abs(a.replicas - b.replicas)} × ${a.serverType} ${label}`);
    if (lines.length > 0) lines[lines.length - 1] += ` (${signed(delta, currency)})`;
  }
  return { delta, lines };
}

/** What changes in money from `before` to `after` (same location: a cluster does not move). */
export async function capiCostChange(client: HcloudClient, before: CapiCostSpec, after: CapiCostSpec): Promise<CapiCostChange> {
  const location = after.location;
  const parts = [await groupChange(client, "control plane", location, before.controlPlane, after.controlPlane)];
  const names = [...new Set([...before.workers.map((w) => w.name), ...after.workers.map((w) => w.name)])];
  for (const name of names) {
    parts.push(await groupChange(client, `in pool ${name}`, location, before.workers.find((w) => w.name === name), after.workers.find((w) => w.name === name)));
  }
  let monthly = parts.reduce((n, p) => n + p.delta, 0);
  const lines = parts.flatMap((p) => p.lines);
  const lbCurrency = (await monthlyLoadBalancer(client, after.loadBalancerType, location)).currency;
  if (before.loadBalancerType !== after.loadBalancerType) {
    const d = (await monthlyLoadBalancer(client, after.loadBalancerType, location)).monthly - (await monthlyLoadBalancer(client, before.loadBalancerType, location)).monthly;
    monthly += d;
    lines.push(`load balancer ${before.loadBalancerType} → ${after.loadBalancerType} (${signed(d, lbCurrency)})`);
  }
  return { monthly: Math.round(monthly * 1_000_000) / 1_000_000, currency: lbCurrency, lines };
}
