// Networks, load balancers, placement groups, volumes and primary IPs: read, list by label and
// delete, for the destroy sweep of what CAPH and the CCM made for a cluster.
import type { HcloudClient } from "./client.js";
import { deleteOne, getOne, runAction } from "./crud.js";
import {
  loadBalancerSchema,
  networkSchema,
  placementGroupSchema,
  primaryIpSchema,
  volumeSchema,
  type LoadBalancer,
  type Network,
  type PlacementGroup,
  type PrimaryIp,
  type Volume,
} from "./schemas.js";

export interface LabelQuery {
  labelSelector?: string;
  name?: string;
}

const q = (x: LabelQuery) => ({ label_selector: x.labelSelector, name: x.name });

export const listNetworks = (c: HcloudClient, x: LabelQuery = {}): Promise<Network[]> => c.list("/networks", "networks", networkSchema, q(x));
export const getNetwork = (c: HcloudClient, id: number): Promise<Network | undefined> => getOne(c, `/networks/${id}`, "network", networkSchema);
export const deleteNetwork = (c: HcloudClient, id: number): Promise<void> => deleteOne(c, `/networks/${id}`);

export const listLoadBalancers = (c: HcloudClient, x: LabelQuery = {}): Promise<LoadBalancer[]> => c.list("/load_balancers", "load_balancers", loadBalancerSchema, q(x));
export const getLoadBalancer = (c: HcloudClient, id: number): Promise<LoadBalancer | undefined> => getOne(c, `/load_balancers/${id}`, "load_balancer", loadBalancerSchema);
export const deleteLoadBalancer = (c: HcloudClient, id: number): Promise<void> => deleteOne(c, `/load_balancers/${id}`);

export const listPlacementGroups = (c: HcloudClient, x: LabelQuery = {}): Promise<PlacementGroup[]> =>
  c.list("/placement_groups", "placement_groups", placementGroupSchema, q(x));
export const getPlacementGroup = (c: HcloudClient, id: number): Promise<PlacementGroup | undefined> =>
  getOne(c, `/placement_groups/${id}`, "placement_group", placementGroupSchema);
export const deletePlacementGroup = (c: HcloudClient, id: number): Promise<void> => deleteOne(c, `/placement_groups/${id}`);

export const listVolumes = (c: HcloudClient, x: LabelQuery = {}): Promise<Volume[]> => c.list("/volumes", "volumes", volumeSchema, q(x));
export const getVolume = (c: HcloudClient, id: number): Promise<Volume | undefined> => getOne(c, `/volumes/${id}`, "volume", volumeSchema);
export const detachVolume = (c: HcloudClient, id: number): Promise<void> => runAction(c, `/volumes/${id}/actions/detach`);
export const deleteVolume = (c: HcloudClient, id: number): Promise<void> => deleteOne(c, `/volumes/${id}`);

export const listPrimaryIps = (c: HcloudClient, x: LabelQuery = {}): Promise<PrimaryIp[]> => c.list("/primary_ips", "primary_ips", primaryIpSchema, q(x));
export const getPrimaryIp = (c: HcloudClient, id: number): Promise<PrimaryIp | undefined> => getOne(c, `/primary_ips/${id}`, "primary_ip", primaryIpSchema);
export const unassignPrimaryIp = (c: HcloudClient, id: number): Promise<void> => runAction(c, `/primary_ips/${id}/actions/unassign`);
export const deletePrimaryIp = (c: HcloudClient, id: number): Promise<void> => deleteOne(c, `/primary_ips/${id}`);

/** The location a primary IP lives in (this spec edition says `location`; older ones nested it in `datacenter`). */
export function primaryIpLocation(ip: PrimaryIp): string | undefined {
  return ip.location?.name ?? ip.datacenter?.location.name;
}
