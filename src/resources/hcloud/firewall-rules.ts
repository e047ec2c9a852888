// Firewall rules as hk declares them, their API form both ways (so a rule read back equals the
// rule declared and no false drift appears), and the default rule set of a cluster.
import { z } from "zod";
import { parseCidr } from "../../lib/cidr.js";
import type { FirewallRuleApi, FirewallRuleBody } from "../../providers/hcloud/index.js";

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, { error: "expected a CIDR like 203.0.113.0/24 or 2001:db8::/32" });

export const firewallRuleInput = z
  .object({
    direction: z.enum(["in", "out"]).default("in"),
    protocol: z.enum(["tcp", "udp", "icmp", "esp", "gre"]),
    port: z
      .string()
      .regex(/^(\d+(-\d+)?|any)$/, { error: 'expected a port like "443", a range like "30000-32767" or "any"' })
      .exactOptional(),
    sourceIps: z.array(cidr).max(100).default([]),
    destinationIps: z.array(cidr).max(100).default([]),
    description: z.string().max(255).exactOptional(),
  })
  .superRefine((r, ctx) => {
    const ported = r.protocol === "tcp" || r.protocol === "udp";
    if (ported && r.port === undefined) ctx.addIssue({ code: "custom", path: ["port"], message: `a ${r.protocol} rule needs a port` });
    if (!ported && r.port !== undefined) ctx.addIssue({ code: "custom", path: ["port"], message: `a ${r.protocol} rule has no port` });
    if (r.direction === "in" && r.sourceIps.length === 0) ctx.addIssue({ code: "custom", path: ["sourceIps"], message: "an inbound rule needs source addresses" });
    if (r.direction === "out" && r.destinationIps.length === 0) ctx.addIssue({ code: "custom", path: ["destinationIps"], message: "an outbound rule needs destination addresses" });
  });

export type FirewallRule = z.output<typeof firewallRuleInput>;

export function ruleToApi(r: FirewallRule): FirewallRuleBody {
  const body: FirewallRuleBody = { direction: r.direction, protocol: r.protocol };
  if (r.direction === "in") body.source_ips = r.sourceIps;
  else body.destination_ips = r.destinationIps;
  if (r.port !== undefined) body.port = r.port;
  if (r.description !== undefined) body.description = r.description;
  return body;
}

export function ruleFromApi(r: FirewallRuleApi): FirewallRule {
  const rule: FirewallRule = {
    direction: r.direction,
    protocol: r.protocol,
    sourceIps: r.direction === "in" ? (r.source_ips ?? []) : [],
    destinationIps: r.direction === "out" ? (r.destination_ips ?? []) : [],
  };
  if (r.port !== null && r.port !== undefined) rule.port = r.port;
  if (r.description !== null && r.description !== undefined && r.description !== "") rule.description = r.description;
  return rule;
}

const EVERYWHERE = ["0.0.0.0/0", "::/0"];

/**
 * The cluster's inbound rules. Hetzner firewalls filter only the public interfaces and are
 * stateful (answers to the nodes' own outbound traffic pass, and with no `out` rule all outbound
 * traffic is allowed: image pulls, NTP, DNS, the Image Factory, the Hetzner API).
 *
 * Public inbound, then, is only what people use directly:
 * - 6443 (Kubernetes API) and 50000 (Talos apid) from the admin CIDRs only.
 * - ICMP from anywhere: path-MTU discovery and ping for diagnosis; it opens no service.
 *
 * Everything between the machines runs over the private network, which the firewall never sees:
 * etcd (2379-2380) advertised on the control-plane subnet, kubelet (10250), trustd (50001), Cilium
 * VXLAN/health (8472/4240) with node IPs pinned to the private CIDR, and the load balancer's and
 * CCM load balancers' traffic and health checks to targets (CAPH and the CCM use private IPs).
 * So no NodePort range and no node-to-node rule is opened on the public side. Note: the load
 * balancer itself is not a server and no Hetzner firewall applies to it; what it exposes (6443,
 * 50000) is reachable through its public IP regardless of these rules.
 */
export function defaultFirewallRules(adminCidrs: readonly string[]): FirewallRule[] {
  const admins = [...new Set(adminCidrs)];
  const rules: FirewallRule[] = [];
  if (admins.length > 0) {
    rules.push(
      { direction: "in", protocol: "tcp", port: "6443", sourceIps: admins, destinationIps: [], description: "Kubernetes API from admins" },
      { direction: "in", protocol: "tcp", port: "50000", sourceIps: admins, destinationIps: [], description: "Talos API from admins" },
    );
  }
  rules.push({ direction: "in", protocol: "icmp", sourceIps: [...EVERYWHERE], destinationIps: [], description: "ICMP (path MTU discovery, ping)" });
  return rules;
}
