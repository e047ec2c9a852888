// The cluster config as hk's resource graph: the Talos snapshot CAPH boots from and the firewall
// that guards the nodes CAPH makes (the Hetzner part), then the Cluster API part (capi/graph.ts):
// kind bootstrap cluster, providers, the workload cluster's objects, the pivot. ArgoCD comes later.
import type { ClusterConfig } from "../config/schema.js";
import type { Lifecycle, ResourceDecl, Stack } from "../engine/declaration.js";
import { capiResources, CLUSTER_ADDRESS } from "./capi/graph.js";
import { defaultFirewallRules, defaultSelector, type FirewallRule } from "./hcloud/index.js";

export const IMAGE_ADDRESS = "hcloud_talos_image.talos";
export const FIREWALL_ADDRESS = "hcloud_firewall.cluster";

/** The image name CAPH's HCloudMachineTemplate looks up (label caph-image-name). */
export function imageName(config: ClusterConfig): string {
  return `talos-${config.talos.arch}-${config.talos.version}`;
}

function lifecycle(l: ClusterConfig["talos"]["lifecycle"]): { lifecycle?: Lifecycle } {
  if (!l) return {};
  const out: Lifecycle = {};
  if (l.protect !== undefined) out.protect = l.protect;
  if (l.ignoreChanges !== undefined) out.ignoreChanges = l.ignoreChanges;
  if (l.createBeforeDestroy !== undefined) out.createBeforeDestroy = l.createBeforeDestroy;
  return { lifecycle: out };
}

function firewallRules(config: ClusterConfig): FirewallRule[] {
  const extra: FirewallRule[] = config.firewall.extraRules.map((r) => ({
    direction: r.direction,
    protocol: r.protocol,
    sourceIps: r.sourceIps,
    destinationIps: r.destinationIps,
    ...(r.port === undefined ? {} : { port: r.port }),
    ...(r.description === undefined ? {} : { description: r.description }),
  }));
  return [...defaultFirewallRules(config.firewall.adminCidrs), ...extra];
}

export interface ClusterStackOptions {
  /** The state file: kubeconfig, talosconfig and kind's kubeconfig are written beside it. */
  statePath: string;
  /** The Hetzner API token CAPH and the CCM are given (sensitive). */
  hcloudToken: string;
}

export function clusterResources(config: ClusterConfig, o: ClusterStackOptions): ResourceDecl[] {
  const t = config.talos;
  const image: ResourceDecl = {
    address: IMAGE_ADDRESS,
    type: "hcloud_talos_image",
    inputs: {
      talosVersion: t.version,
      arch: t.arch,
      ...(t.schematicId === undefined ? { extensions: t.extensions } : { schematicId: t.schematicId }),
      imageName: imageName(config),
      location: config.hcloud.location,
      ...(t.buildServerType === undefined ? {} : { buildServerType: t.buildServerType }),
    },
    ...lifecycle(t.lifecycle),
  };
  const firewall: ResourceDecl = {
    address: FIREWALL_ADDRESS,
    type: "hcloud_firewall",
    inputs: {
      name: `${config.name}-firewall`,
      rules: firewallRules(config) as unknown as ResourceDecl["inputs"][string],
      applyToLabelSelector: defaultSelector(config.name),
    },
    ...lifecycle(config.firewall.lifecycle),
  };
  return [image, firewall, ...capiResources(config, { ...o, imageAddress: IMAGE_ADDRESS, imageName: imageName(config), firewallAddress: FIREWALL_ADDRESS })];
}

export function clusterStack(config: ClusterConfig, o: ClusterStackOptions): Stack {
  return {
    name: config.name,
    resources: clusterResources(config, o),
    outputs: {
      imageName: { $ref: IMAGE_ADDRESS, path: "imageName" },
      imageId: { $ref: IMAGE_ADDRESS, path: "imageId" },
      firewallId: { $ref: FIREWALL_ADDRESS, path: "firewallId" },
      kubeconfig: { $ref: CLUSTER_ADDRESS, path: "kubeconfig" },
      talosconfig: { $ref: CLUSTER_ADDRESS, path: "talosconfig" },
      endpoint: { $ref: CLUSTER_ADDRESS, path: "endpoint" },
    },
  };
}
