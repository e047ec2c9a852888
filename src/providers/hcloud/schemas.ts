// Response shapes of the Hetzner Cloud API objects hk reads, checked against the official OpenAPI
// document (field names and nullability). Only the fields hk uses are declared; the rest is dropped.
import { z } from "zod";

export const labelsSchema = z.record(z.string(), z.string());
export type Labels = z.infer<typeof labelsSchema>;

export const actionSchema = z.object({
  id: z.number(),
  command: z.string(),
  status: z.enum(["running", "success", "error"]),
  progress: z.number(),
  resources: z.array(z.object({ id: z.number(), type: z.string() })),
  error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
});
export type Action = z.infer<typeof actionSchema>;

export const paginationSchema = z.object({
  meta: z
    .object({ pagination: z.object({ page: z.number(), next_page: z.number().nullable().optional(), last_page: z.number().nullable().optional() }).optional() })
    .optional(),
});

const price = z.object({ net: z.string(), gross: z.string() });
export const locationPriceSchema = z.object({ location: z.string(), price_monthly: price, price_hourly: price.optional() });
export type LocationPrice = z.infer<typeof locationPriceSchema>;

const locationSchema = z.object({ id: z.number(), name: z.string(), network_zone: z.string() });
/** Hetzner's delete protection: the destroy sweep leaves a protected object alone. */
const protection = z.object({ delete: z.boolean() }).optional();

export const imageSchema = z.object({
  id: z.number(),
  type: z.enum(["system", "app", "snapshot", "backup"]),
  status: z.enum(["available", "creating", "unavailable"]),
  name: z.string().nullable(),
  description: z.string(),
  image_size: z.number().nullable(),
  disk_size: z.number(),
  created: z.string(),
  labels: labelsSchema,
  architecture: z.enum(["x86", "arm"]),
  protection,
});
export type Image = z.infer<typeof imageSchema>;

export const serverTypeSchema = z.object({
  id: z.number(),
  name: z.string(),
  architecture: z.enum(["x86", "arm"]),
  prices: z.array(locationPriceSchema),
});
export type ServerType = z.infer<typeof serverTypeSchema>;

export const serverSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(["running", "initializing", "starting", "stopping", "off", "deleting", "migrating", "rebuilding", "unknown"]),
  created: z.string(),
  public_net: z.object({
    ipv4: z.object({ ip: z.string() }).nullable().optional(),
    ipv6: z.object({ ip: z.string() }).nullable().optional(),
    firewalls: z.array(z.object({ id: z.number().optional(), status: z.string().optional() })).optional(),
  }),
  private_net: z.array(z.object({ network: z.number().optional(), ip: z.string().optional() })),
  server_type: z.object({ id: z.number(), name: z.string(), architecture: z.enum(["x86", "arm"]).optional() }),
  location: locationSchema.optional(),
  rescue_enabled: z.boolean(),
  labels: labelsSchema,
  placement_group: z.object({ id: z.number(), name: z.string() }).nullable().optional(),
  protection,
});
export type Server = z.infer<typeof serverSchema>;

export const sshKeySchema = z.object({ id: z.number(), name: z.string(), fingerprint: z.string(), labels: labelsSchema });
export type SshKey = z.infer<typeof sshKeySchema>;

export const firewallRuleApiSchema = z.object({
  description: z.string().nullable().optional(),
  direction: z.enum(["in", "out"]),
  source_ips: z.array(z.string()).optional(),
  destination_ips: z.array(z.string()).optional(),
  protocol: z.enum(["tcp", "udp", "icmp", "esp", "gre"]),
  port: z.string().nullable().optional(),
});
export type FirewallRuleApi = z.infer<typeof firewallRuleApiSchema>;

export const firewallResourceSchema = z.object({
  type: z.enum(["server", "label_selector"]),
  server: z.object({ id: z.number() }).optional(),
  label_selector: z.object({ selector: z.string() }).optional(),
  applied_to_resources: z.array(z.object({ type: z.string().optional(), server: z.object({ id: z.number() }).optional() })).optional(),
});
export type FirewallResource = z.infer<typeof firewallResourceSchema>;

export const firewallSchema = z.object({
  id: z.number(),
  name: z.string(),
  labels: labelsSchema.optional(),
  created: z.string(),
  rules: z.array(firewallRuleApiSchema),
  applied_to: z.array(firewallResourceSchema),
});
export type Firewall = z.infer<typeof firewallSchema>;

export const networkSchema = z.object({
  id: z.number(),
  name: z.string(),
  ip_range: z.string(),
  servers: z.array(z.number()),
  load_balancers: z.array(z.number()).optional(),
  labels: labelsSchema,
  protection,
});
export type Network = z.infer<typeof networkSchema>;

export const loadBalancerTargetSchema = z.object({
  type: z.enum(["server", "label_selector", "ip"]),
  server: z.object({ id: z.number() }).optional(),
  label_selector: z.object({ selector: z.string() }).optional(),
  targets: z.array(z.object({ server: z.object({ id: z.number() }).optional() })).optional(),
});

export const loadBalancerSchema = z.object({
  id: z.number(),
  name: z.string(),
  labels: labelsSchema,
  location: locationSchema,
  load_balancer_type: z.object({ id: z.number(), name: z.string() }),
  private_net: z.array(z.object({ network: z.number(), ip: z.string().optional() })),
  targets: z.array(loadBalancerTargetSchema),
  protection,
});
export type LoadBalancer = z.infer<typeof loadBalancerSchema>;

export const placementGroupSchema = z.object({ id: z.number(), name: z.string(), labels: labelsSchema, type: z.string(), servers: z.array(z.number()) });
export type PlacementGroup = z.infer<typeof placementGroupSchema>;

export const volumeSchema = z.object({
  id: z.number(),
  name: z.string(),
  server: z.number().nullable(),
  location: locationSchema,
  size: z.number(),
  labels: labelsSchema,
  status: z.string(),
  protection,
});
export type Volume = z.infer<typeof volumeSchema>;

export const primaryIpSchema = z.object({
  id: z.number(),
  name: z.string(),
  labels: labelsSchema,
  ip: z.string(),
  type: z.enum(["ipv4", "ipv6"]),
  auto_delete: z.boolean(),
  assignee_id: z.number().nullable(),
  location: locationSchema.optional(),
  // The spec's previous edition nested the location in `datacenter`; older emulators still do.
  datacenter: z.object({ location: locationSchema }).optional(),
  protection,
});
export type PrimaryIp = z.infer<typeof primaryIpSchema>;

export const loadBalancerTypeSchema = z.object({ id: z.number(), name: z.string(), prices: z.array(locationPriceSchema) });
export type LoadBalancerType = z.infer<typeof loadBalancerTypeSchema>;

export { locationSchema };
export type Location = z.infer<typeof locationSchema>;

export const pricingSchema = z.object({
  currency: z.string(),
  vat_rate: z.string(),
  image: z.object({ price_per_gb_month: price }),
  volume: z.object({ price_per_gb_month: price }),
  primary_ips: z.array(z.object({ type: z.enum(["ipv4", "ipv6"]), prices: z.array(locationPriceSchema) })),
  server_types: z.array(z.object({ id: z.number(), name: z.string(), prices: z.array(locationPriceSchema) })),
  load_balancer_types: z.array(z.object({ id: z.number(), name: z.string(), prices: z.array(locationPriceSchema) })),
});
export type Pricing = z.infer<typeof pricingSchema>;
