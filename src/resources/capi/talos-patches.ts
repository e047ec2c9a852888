// The Talos strategic patches of seed 001, built from the config's network values: what every
// control-plane node's machine config gets on top of what CACPPT generates. Strategic patches, not
// JSON 6902 configPatches: the seed guide says those break on Talos 1.12 and later.
import { stringify } from "yaml";
import type { ClusterConfig } from "../../config/schema.js";

/** Control-plane nodes lose Talos's exclude-from-external-load-balancers label (the cluster may have no workers). */
function labelRemoval(): object {
  return { machine: { nodeLabels: { "node.kubernetes.io/exclude-from-external-load-balancers": { $patch: "delete" } } } };
}

/**
 * eth0 public, eth1 the private network; the kubelet on the external cloud provider, its IP from the
 * network. Workers share it without the Talos API access feature, which Talos allows on control planes only.
 */
export function machineSettings(config: ClusterConfig, role: "controlplane" | "worker" = "controlplane"): object {
  return {
    machine: {
      network: { interfaces: [{ interface: "eth0", dhcp: true }, { interface: "eth1", dhcp: true }] },
      kubelet: {
        extraArgs: { "cloud-provider": "external", "rotate-server-certificates": "true" },
        nodeIP: { validSubnets: [config.network.cidr] },
      },
      features: {
        hostDNS: { enabled: true, forwardKubeDNSToHost: false, resolveMemberNames: true },
        ...(role === "controlplane" ? { kubernetesTalosAPIAccess: { enabled: true, allowedRoles: ["os:reader"], allowedKubernetesNamespaces: ["kube-system"] } } : {}),
      },
    },
  };
}

/** No CNI and no kube-proxy (Cilium replaces both), etcd on the control-plane subnet, the external cloud provider. */
function clusterSettings(config: ClusterConfig): object {
  return {
    cluster: {
      allowSchedulingOnControlPlanes: true,
      network: { podSubnets: [config.network.pods], serviceSubnets: [config.network.services], cni: { name: "none" } },
      proxy: { disabled: true },
      etcd: { advertisedSubnets: [config.network.controlPlaneSubnet] },
      externalCloudProvider: { enabled: true },
      controllerManager: { extraArgs: { "cloud-provider": "external" } },
      apiServer: { extraArgs: { "enable-aggregator-routing": "true" } },
    },
  };
}

/** The patches in the order CACPPT applies them, each a YAML document as TalosControlPlane takes it. */
export function controlPlanePatches(config: ClusterConfig): string[] {
  return [labelRemoval(), machineSettings(config), clusterSettings(config)].map((p) => stringify(p));
}

/** `v1.12.2` → `v1.12`: TalosControlPlane's talosVersion names the minor only. */
export function talosMinor(version: string): string {
  const m = /^(v\d+\.\d+)\./.exec(version);
  if (!m?.[1]) throw new Error(`talos.version ${version}: expected vMAJOR.MINOR.PATCH`);
  return m[1];
}
