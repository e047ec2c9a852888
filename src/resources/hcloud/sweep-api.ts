// What the destroy sweep needs to read beyond the client's own schemas: each object's delete
// protection and what it is tied to (the server a volume is attached to, the servers in a
// placement group…), so the sweep can keep protected objects and order deletes per object.
import { z } from "zod";
import type { HcloudClient } from "../../providers/hcloud/index.js";
import { getOne } from "../../providers/hcloud/index.js";
import { loadBalancerSchema, networkSchema, placementGroupSchema, primaryIpSchema, serverSchema, volumeSchema } from "../../providers/hcloud/schemas.js";

const protection = { protection: z.object({ delete: z.boolean() }).optional() };

export const sweptServerSchema = serverSchema.extend(protection);
export const sweptLoadBalancerSchema = loadBalancerSchema.extend(protection);
export const sweptNetworkSchema = networkSchema.extend(protection);
export const sweptVolumeSchema = volumeSchema.extend(protection);
export const sweptPrimaryIpSchema = primaryIpSchema.extend(protection);
export const sweptPlacementGroupSchema = placementGroupSchema;

export type SweptServer = z.infer<typeof sweptServerSchema>;
export type SweptLoadBalancer = z.infer<typeof sweptLoadBalancerSchema>;
export type SweptNetwork = z.infer<typeof sweptNetworkSchema>;
export type SweptVolume = z.infer<typeof sweptVolumeSchema>;
export type SweptPrimaryIp = z.infer<typeof sweptPrimaryIpSchema>;

export interface Kind<T> {
  path: string;
  plural: string;
  singular: string;
  schema: z.ZodType<T>;
}

export const KINDS = {
  server: { path: "/servers", plural: "servers", singular: "server", schema: sweptServerSchema } as Kind<SweptServer>,
  loadBalancer: { path: "/load_balancers", plural: "load_balancers", singular: "load_balancer", schema: sweptLoadBalancerSchema } as Kind<SweptLoadBalancer>,
  network: { path: "/networks", plural: "networks", singular: "network", schema: sweptNetworkSchema } as Kind<SweptNetwork>,
  volume: { path: "/volumes", plural: "volumes", singular: "volume", schema: sweptVolumeSchema } as Kind<SweptVolume>,
  primaryIp: { path: "/primary_ips", plural: "primary_ips", singular: "primary_ip", schema: sweptPrimaryIpSchema } as Kind<SweptPrimaryIp>,
};

export function listKind<T>(c: HcloudClient, k: Kind<T>, labelSelector: string): Promise<T[]> {
  return c.list(k.path, k.plural, k.schema, { label_selector: labelSelector });
}

export function getKind<T>(c: HcloudClient, k: Kind<T>, id: number): Promise<T | undefined> {
  return getOne(c, `${k.path}/${id}`, k.singular, k.schema);
}
