// Read-only catalog endpoints: locations, datacenters, server and load balancer types, pricing.
import { DATACENTERS, LOCATIONS, renderLocation } from "./catalog.js";
import { notFound } from "./errors.js";
import { pathId } from "./input.js";
import { filterCommon, listReply } from "./list.js";
import { hourlyOf, money, pricesFor } from "./prices.js";
import { renderDatacenter } from "./render-server.js";
import type { Ctx, Reply, Route } from "./router.js";
import { LB_TYPES, renderLbType, renderServerType, SERVER_TYPES } from "./types-catalog.js";

function one<T extends { id: number }>(items: readonly T[], ctx: Ctx, what: string): T {
  const id = pathId(ctx, what);
  const item = items.find((i) => i.id === id);
  if (!item) throw notFound(`${what} with ID ${id}`);
  return item;
}

const ALL = LOCATIONS.map((l) => l.name);

function hourlyMonthly(monthly: string) {
  return pricesFor(monthly, ALL).map((p) => ({ location: p.location, price_hourly: money(p.monthly === "0.00" ? "0" : hourlyOf(p.monthly)), price_monthly: money(p.monthly) }));
}

function pricing(): Reply {
  const typePrices = <T extends { id: number; name: string; euMonthly: string }>(t: T, render: (t: T) => Record<string, unknown>) => ({
    id: t.id,
    name: t.name,
    prices: render(t).prices,
  });
  return {
    status: 200,
    body: {
      pricing: {
        currency: "EUR",
        vat_rate: "19.00",
        image: { price_per_gb_month: money("0.0110") },
        volume: { price_per_gb_month: money("0.0440") },
        server_backup: { percentage: "20.0000000000" },
        floating_ip: { price_monthly: money("3.00") },
        floating_ips: [
          { type: "ipv4", prices: ALL.map((location) => ({ location, price_monthly: money("3.00") })) },
          { type: "ipv6", prices: ALL.map((location) => ({ location, price_monthly: money("3.00") })) },
        ],
        primary_ips: [
          { type: "ipv4", prices: hourlyMonthly("0.50") },
          { type: "ipv6", prices: hourlyMonthly("0.00") },
        ],
        server_types: SERVER_TYPES.map((t) => typePrices(t, renderServerType)),
        load_balancer_types: LB_TYPES.map((t) => typePrices(t, renderLbType)),
      },
    },
  };
}

export const catalogRoutes: Route[] = [
  { method: "GET", path: "/locations", handler: (ctx) => listReply(ctx, "locations", filterCommon(ctx, LOCATIONS, { name: (l) => l.name }), { sort: { name: (l) => l.name }, render: renderLocation }) },
  { method: "GET", path: "/locations/{id}", handler: (ctx) => ({ status: 200, body: { location: renderLocation(one(LOCATIONS, ctx, "location")) } }) },
  {
    method: "GET",
    path: "/datacenters",
    handler: (ctx) => {
      const reply = listReply(ctx, "datacenters", filterCommon(ctx, DATACENTERS, { name: (d) => d.name }), { sort: { name: (d) => d.name }, render: (d) => renderDatacenter(d.location) });
      return { ...reply, body: { ...(reply.body as object), recommendation: 2 } };
    },
  },
  { method: "GET", path: "/datacenters/{id}", handler: (ctx) => ({ status: 200, body: { datacenter: renderDatacenter(one(DATACENTERS, ctx, "datacenter").location) } }) },
  { method: "GET", path: "/server_types", handler: (ctx) => listReply(ctx, "server_types", filterCommon(ctx, SERVER_TYPES, { name: (t) => t.name }), { render: renderServerType }) },
  { method: "GET", path: "/server_types/{id}", handler: (ctx) => ({ status: 200, body: { server_type: renderServerType(one(SERVER_TYPES, ctx, "server type")) } }) },
  { method: "GET", path: "/load_balancer_types", handler: (ctx) => listReply(ctx, "load_balancer_types", filterCommon(ctx, LB_TYPES, { name: (t) => t.name }), { render: renderLbType }) },
  { method: "GET", path: "/load_balancer_types/{id}", handler: (ctx) => ({ status: 200, body: { load_balancer_type: renderLbType(one(LB_TYPES, ctx, "load balancer type")) } }) },
  { method: "GET", path: "/pricing", handler: pricing },
];
