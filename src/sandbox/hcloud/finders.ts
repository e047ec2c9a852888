// Lookups by path ID that answer 404 not_found, shared by the route modules.
import { notFound } from "./errors.js";
import type { Project } from "./project.js";
import type { FirewallRec, LoadBalancerRec, PlacementGroupRec, ServerRec, VolumeRec } from "./world-types.js";

function find<T extends { id: number }>(items: readonly T[], id: number, what: string): T {
  const item = items.find((x) => x.id === id);
  if (!item) throw notFound(`${what} with ID ${id}`);
  return item;
}

export const server = (p: Project, id: number): ServerRec => find(p.data.servers, id, "server");
export const firewall = (p: Project, id: number): FirewallRec => find(p.data.firewalls, id, "firewall");
export const loadBalancer = (p: Project, id: number): LoadBalancerRec => find(p.data.loadBalancers, id, "load balancer");
export const placementGroup = (p: Project, id: number): PlacementGroupRec => find(p.data.placementGroups, id, "placement group");
export const volume = (p: Project, id: number): VolumeRec => find(p.data.volumes, id, "volume");
