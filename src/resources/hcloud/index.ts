// Hetzner Cloud resource types: the Talos snapshot, the firewall, and the leftover types the
// destroy sweep uses; plus prices and the firewall's default rules for the config.
import type { AnyResourceType } from "../../engine/resource.js";
import type { HcloudClient } from "../../providers/hcloud/index.js";
import type { TalosFactory } from "../../providers/talos-factory.js";
import { firewallType } from "./firewall.js";
import { leftoverTypes } from "./leftovers.js";
import type { SshTarget } from "./rescue-ssh.js";
import { talosImageType } from "./talos-image.js";

export { firewallType, firewallInputs, firewallOutputs, defaultSelector, type FirewallDeps, type FirewallInputs, type FirewallOutputs } from "./firewall.js";
export { defaultFirewallRules, firewallRuleInput, type FirewallRule } from "./firewall-rules.js";
export { talosImageType, talosImageInputs, talosImageOutputs, ESTIMATED_SNAPSHOT_GB, type TalosImageDeps, type TalosImageInputs, type TalosImageOutputs } from "./talos-image.js";
export { leftoverTypes, CCM_SERVICE_LABEL } from "./leftovers.js";
export { monthlyLoadBalancer, monthlyPrimaryIp, monthlyServer, monthlySnapshot, monthlyVolume } from "./cost.js";
export { ADDRESS_LABEL, STACK_LABEL, TEMPORARY_LABEL, ownerLabels, labelValue } from "./labels.js";
export { IMAGE_LABEL, schematicLabel } from "./image-labels.js";
export type { SshTarget } from "./rescue-ssh.js";

export interface HcloudTypesDeps {
  client: HcloudClient;
  factory: TalosFactory;
  /** Reach the build server's rescue system here instead of its public IPv4 (the sandbox). */
  ssh?: SshTarget;
  sshConnectTimeoutMs?: number;
}

/** Every Hetzner resource type, for the registry. */
export function hcloudResourceTypes(deps: HcloudTypesDeps): AnyResourceType[] {
  return [talosImageType(deps), firewallType({ client: deps.client }), ...leftoverTypes(deps.client)];
}
