// What Hetzner sells and at what price: server types, load balancer types, locations and the
// price list, each read once per client (one run).
import { z } from "zod";
import type { HcloudClient } from "./client.js";
import { loadBalancerTypeSchema, locationSchema, pricingSchema, serverTypeSchema, type LoadBalancerType, type Location, type Pricing, type ServerType } from "./schemas.js";

export function serverTypes(c: HcloudClient): Promise<ServerType[]> {
  return c.cached("server_types", () => c.list("/server_types", "server_types", serverTypeSchema));
}

export function loadBalancerTypes(c: HcloudClient): Promise<LoadBalancerType[]> {
  return c.cached("load_balancer_types", () => c.list("/load_balancer_types", "load_balancer_types", loadBalancerTypeSchema));
}

export function locations(c: HcloudClient): Promise<Location[]> {
  return c.cached("locations", () => c.list("/locations", "locations", locationSchema));
}

export function pricing(c: HcloudClient): Promise<Pricing> {
  return c.cached("pricing", async () => (await c.request("GET", "/pricing", { schema: z.object({ pricing: pricingSchema }) })).pricing);
}

/** A server type by name, or undefined when the API does not offer it. */
export async function serverType(c: HcloudClient, name: string): Promise<ServerType | undefined> {
  return (await serverTypes(c)).find((t) => t.name === name);
}
