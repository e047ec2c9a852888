// Monthly prices from the API's own price list (`GET /pricing`, read once per client), gross
// (with the project's VAT) because that is what the bill says. A type not sold in a location is
// a config mistake, reported with what is sold there.
import { AbortError } from "../../engine/errors.js";
import type { Cost } from "../../engine/resource.js";
import { pricing, type HcloudClient, type LocationPrice } from "../../providers/hcloud/index.js";

function monthly(prices: readonly LocationPrice[], location: string): number | undefined {
  const p = prices.find((x) => x.location === location);
  return p === undefined ? undefined : Number(p.price_monthly.gross);
}

function round(n: number): number {
  return Math.round(n * 1_000_000) / 1_000_000;
}

async function typePrice(client: HcloudClient, kind: "server_types" | "load_balancer_types", type: string, location: string): Promise<{ monthly: number; currency: string }> {
  const list = await pricing(client);
  const entry = list[kind].find((t) => t.name === type);
  const label = kind === "server_types" ? "server type" : "load balancer type";
  if (!entry) throw new AbortError(`Hetzner Cloud has no ${label} "${type}"`, `choose one of: ${list[kind].map((t) => t.name).join(", ")}`);
  const m = monthly(entry.prices, location);
  if (m === undefined) throw new AbortError(`${label} ${type} is not sold in ${location}`, `choose a location where it is: ${entry.prices.map((p) => p.location).join(", ")}`);
  return { monthly: m, currency: list.currency };
}

export async function monthlyServer(client: HcloudClient, type: string, location: string): Promise<Cost> {
  const p = await typePrice(client, "server_types", type, location);
  return { ...p, what: `${type} in ${location}` };
}

export async function monthlyLoadBalancer(client: HcloudClient, type: string, location: string): Promise<Cost> {
  const p = await typePrice(client, "load_balancer_types", type, location);
  return { ...p, what: `${type} in ${location}` };
}

export async function monthlySnapshot(client: HcloudClient, gb: number, note = ""): Promise<Cost> {
  const list = await pricing(client);
  const perGb = Number(list.image.price_per_gb_month.gross);
  return { monthly: round(perGb * gb), currency: list.currency, what: `snapshot, ${round(gb)} GB${note}` };
}

export async function monthlyVolume(client: HcloudClient, gb: number, location: string): Promise<Cost> {
  const list = await pricing(client);
  const perGb = Number(list.volume.price_per_gb_month.gross);
  return { monthly: round(perGb * gb), currency: list.currency, what: `volume, ${gb} GB in ${location}` };
}

export async function monthlyPrimaryIp(client: HcloudClient, kind: "ipv4" | "ipv6", location: string): Promise<Cost> {
  const list = await pricing(client);
  const entry = list.primary_ips.find((p) => p.type === kind);
  const m = entry ? monthly(entry.prices, location) : undefined;
  return { monthly: m ?? 0, currency: list.currency, what: `primary ${kind === "ipv4" ? "IPv4" : "IPv6"} in ${location}` };
}
