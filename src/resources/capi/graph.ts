// The Cluster API half of the cluster's graph, in the seed's order but as one plan:
//
//   kind_cluster.bootstrap      (temporary)  the management cluster of the first bootstrap and of destroy
//   capi_providers.bootstrap    (temporary)  clusterctl init on it
//   capi_cluster.workload                    the workload cluster's objects, applied there first; waits
//                                            for the kubeconfig, gives the Hetzner CCM its Secret in the
//                                            workload cluster, then waits for every node Ready
//   capi_providers.workload                  clusterctl init on the workload cluster, same versions
//   capi_pivot.workload                      clusterctl move into it; then kind goes
//
// capi_cluster needs kind only to be made or deleted (dependsOnToCreate): after the pivot a
// change to it goes to the self-managed cluster, and kind is not brought back. A destroy brings
// kind back for the reverse pivot (deleting capi_pivot moves the objects back) and for deleting
// the Cluster from outside the cluster it deletes.
import { dirname, join, resolve } from "node:path";
import type { ClusterConfig } from "../../config/schema.js";
import type { ResourceDecl } from "../../engine/declaration.js";
import { ref } from "../../engine/values.js";
import { kindKubeconfigPath } from "../kind/kind-cluster.js";
import { addonObjects } from "./addons.js";
import { capiSpecOf } from "./consequences.js";
import { CAPI_NAMESPACE, workloadClusterObjects } from "./manifests.js";
import { workerPoolObjects } from "./workers.js";

export const KIND_ADDRESS = "kind_cluster.bootstrap";
export const BOOTSTRAP_PROVIDERS = "capi_providers.bootstrap";
export const CLUSTER_ADDRESS = "capi_cluster.workload";
export const WORKLOAD_PROVIDERS = "capi_providers.workload";
export const PIVOT_ADDRESS = "capi_pivot.workload";

export interface CapiGraphOptions {
  /** The state file: the kubeconfig and talosconfig files live beside it. */
  statePath: string;
  /** The Hetzner API token CAPH and the CCM use (sensitive: never in the state). */
  hcloudToken: string;
  /** The Talos image's address: its snapshot exists before any machine asks for it. */
  imageAddress: string;
  /** The snapshot's caph-image-name, as the image resource labels it (known from the config, so template names can hash it). */
  imageName: string;
  firewallAddress: string;
}

export function workloadFiles(config: ClusterConfig, statePath: string): { kubeconfig: string; talosconfig: string } {
  const dir = dirname(resolve(statePath));
  return { kubeconfig: join(dir, `${config.name}.kubeconfig`), talosconfig: join(dir, `${config.name}.talosconfig`) };
}

export const bootstrapClusterName = (config: ClusterConfig): string => `${config.name}-bootstrap`;


/** clusterctl's NAME:VERSION for each provider, from the config's pinned versions. */
export function providerSet(config: ClusterConfig): Record<"core" | "infrastructure" | "bootstrap" | "controlPlane" | "addon", string> {
  const v = config.versions;
  return { core: `cluster-api:${v.clusterApi}`, infrastructure: `hetzner:${v.caph}`, bootstrap: `talos:${v.cabpt}`, controlPlane: `talos:${v.cacppt}`, addon: `helm:${v.caaph}` };
}

/** Everything CAPI manages for the cluster, generated from the config. */
export function capiObjects(config: ClusterConfig, imageName: string): object[] {
  return [...workloadClusterObjects(config, imageName), ...workerPoolObjects(config, imageName), ...addonObjects(config)];
}

export function capiResources(config: ClusterConfig, o: CapiGraphOptions): ResourceDecl[] {
  const files = workloadFiles(config, o.statePath);
  const kindName = bootstrapClusterName(config);
  const kindKubeconfig = kindKubeconfigPath(o.statePath, kindName);
  const providers = providerSet(config);
  const workers = config.workers;
  const kind: ResourceDecl = {
    address: KIND_ADDRESS,
    type: "kind_cluster",
    inputs: { name: kindName, kubeconfigPath: kindKubeconfig },
    lifecycle: { temporary: true },
  };
  const bootProviders: ResourceDecl = {
    address: BOOTSTRAP_PROVIDERS,
    type: "capi_providers",
    inputs: { kubeconfig: ref(KIND_ADDRESS, "kubeconfigPath"), providers },
    lifecycle: { temporary: true },
  };
  const cluster: ResourceDecl = {
    address: CLUSTER_ADDRESS,
    type: "capi_cluster",
    inputs: {
      name: config.name,
      namespace: CAPI_NAMESPACE,
      kubeconfigPath: files.kubeconfig,
      talosconfigPath: files.talosconfig,
      bootstrapKubeconfig: kindKubeconfig,
      objects: capiObjects(config, o.imageName) as unknown as ResourceDecl["inputs"][string],
      hcloudToken: o.hcloudToken,
      ccmNetwork: config.name,
      expectedNodes: config.controlPlane.replicas + workers.reduce((n, w) => n + w.replicas, 0),
      localFiles: "present",
      timeouts: { initializedSeconds: 1800, readySeconds: 1800, deletedSeconds: 1200 },
      shape: capiSpecOf(config) as unknown as ResourceDecl["inputs"][string],
    },
    // The firewall is there before any server CAPH makes, and goes after the last is gone.
    dependsOn: [o.imageAddress, o.firewallAddress],
    dependsOnToCreate: [KIND_ADDRESS, BOOTSTRAP_PROVIDERS],
  };
  const workloadProviders: ResourceDecl = {
    address: WORKLOAD_PROVIDERS,
    type: "capi_providers",
    inputs: { kubeconfig: ref(CLUSTER_ADDRESS, "kubeconfig"), providers },
  };
  const pivot: ResourceDecl = {
    address: PIVOT_ADDRESS,
    type: "capi_pivot",
    inputs: { cluster: config.name, namespace: CAPI_NAMESPACE, from: ref(KIND_ADDRESS, "kubeconfigPath"), to: ref(CLUSTER_ADDRESS, "kubeconfig") },
    dependsOn: [BOOTSTRAP_PROVIDERS, WORKLOAD_PROVIDERS],
  };
  return [kind, bootProviders, cluster, workloadProviders, pivot];
}
