// The cluster config as hk's resource graph. For now the Hetzner part: the Talos snapshot CAPH
// boots from and the firewall that guards the nodes CAPH will make; later issues add the kind
// bootstrap cluster, the Cluster API providers and manifests, the pivot and ArgoCD.
import type { ClusterConfig } from "../config/schema.js";
import type { Lifecycle, ResourceDecl, Stack } from "../engine/declaration.js";
import type { HcloudClient } from "../providers/hcloud/index.js";
import { clusterIndirectCosts, defaultFirewallRules, defaultSelector, type FirewallRule } from "./hcloud/index.js";

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

export function clusterResources(config: ClusterConfig): ResourceDecl[] {
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
  return [image, firewall];
}

export function clusterStack(config: ClusterConfig, client: HcloudClient | undefined): Stack {
  const stack: Stack = {
    name: config.name,
    resources: clusterResources(config),
    outputs: {
      imageName: { $ref: IMAGE_ADDRESS, path: "imageName" },
      imageId: { $ref: IMAGE_ADDRESS, path: "imageId" },
      firewallId: { $ref: FIREWALL_ADDRESS, path: "firewallId" },
    },
  };
  if (client) {
    stack.indirectCosts = () =>
      clusterIndirectCosts(client, {
        location: config.hcloud.location,
        serverType: config.controlPlane.serverType,
        controlPlaneReplicas: config.controlPlane.replicas,
        loadBalancerType: config.controlPlane.loadBalancerType,
      });
  }
  return stack;
}
