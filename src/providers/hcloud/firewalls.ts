// Firewalls: create with rules and apply_to, set_rules, apply_to/remove_from resources, rename/relabel, delete.
import { z } from "zod";
import type { HcloudClient } from "./client.js";
import { deleteOne, getOne, postAction } from "./crud.js";
import { actionSchema, firewallSchema, type Action, type Firewall, type FirewallRuleApi, type Labels } from "./schemas.js";

/** A rule as the API takes it (`source_ips` for in, `destination_ips` for out; `port` for tcp/udp only). */
export type FirewallRuleBody = Omit<FirewallRuleApi, "port" | "description"> & { port?: string; description?: string };

export type ApplyTo = { type: "server"; server: { id: number } } | { type: "label_selector"; label_selector: { selector: string } };

const createdFirewall = z.object({ firewall: firewallSchema, actions: z.array(actionSchema).optional() });

export async function createFirewall(
  c: HcloudClient,
  body: { name: string; labels: Labels; rules: FirewallRuleBody[]; apply_to: ApplyTo[] },
): Promise<{ firewall: Firewall; actions: Action[] }> {
  const res = await c.request<z.infer<typeof createdFirewall>>("POST", "/firewalls", {
    body,
    schema: createdFirewall,
    recover: async () => {
      const [fw] = await listFirewalls(c, { name: body.name });
      return fw && Object.entries(body.labels).every(([k, v]) => fw.labels?.[k] === v) ? { firewall: fw } : undefined;
    },
  });
  return { firewall: res.firewall, actions: res.actions ?? [] };
}

export function listFirewalls(c: HcloudClient, q: { labelSelector?: string; name?: string } = {}): Promise<Firewall[]> {
  return c.list("/firewalls", "firewalls", firewallSchema, { label_selector: q.labelSelector, name: q.name });
}

export function getFirewall(c: HcloudClient, id: number): Promise<Firewall | undefined> {
  return getOne(c, `/firewalls/${id}`, "firewall", firewallSchema);
}

export async function updateFirewall(c: HcloudClient, id: number, change: { name?: string; labels?: Labels }): Promise<Firewall> {
  return (await c.request("PUT", `/firewalls/${id}`, { body: change, schema: z.object({ firewall: firewallSchema }) })).firewall;
}

export function setFirewallRules(c: HcloudClient, id: number, rules: FirewallRuleBody[]): Promise<Action[]> {
  return postAction(c, `/firewalls/${id}/actions/set_rules`, { rules });
}

export function applyFirewall(c: HcloudClient, id: number, applyTo: ApplyTo[]): Promise<Action[]> {
  return postAction(c, `/firewalls/${id}/actions/apply_to_resources`, { apply_to: applyTo });
}

export function removeFirewallFrom(c: HcloudClient, id: number, removeFrom: ApplyTo[]): Promise<Action[]> {
  return postAction(c, `/firewalls/${id}/actions/remove_from_resources`, { remove_from: removeFrom });
}

export function deleteFirewall(c: HcloudClient, id: number): Promise<void> {
  return deleteOne(c, `/firewalls/${id}`);
}
