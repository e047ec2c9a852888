// What the simulated Talos providers share: their kinds and names, and the links between a
// Machine, its TalosConfig, its HCloudMachine and its Node (the same name for all, as CACPPT
// clones them and Talos takes the hostname from the server's name).
import { asArray, asObj, str } from "../../kube/controllers/meta.js";
import type { ClusterApi, KubeObject } from "../../kube/types.js";
import { specOf, statusOf } from "../caph/objects.js";

export const CAPI = "cluster.x-k8s.io/v1beta1";
export const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
export const BOOTSTRAP = "bootstrap.cluster.x-k8s.io/v1alpha3";
export const CONTROLPLANE = "controlplane.cluster.x-k8s.io/v1alpha3";
export const CABPT_MANAGER = "cabpt-controller-manager";
export const CACPPT_MANAGER = "cacppt-controller-manager";
export const CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
export const CONTROL_PLANE_LABEL = "cluster.x-k8s.io/control-plane";
export const CONTROL_PLANE_NAME_LABEL = "cluster.x-k8s.io/control-plane-name";
export const TCP_FINALIZER = "talos.controlplane.cluster.x-k8s.io";

/** The machine's HCloudMachine (its infrastructureRef), if made. */
export function infraOf(api: ClusterApi, machine: KubeObject): KubeObject | undefined {
  const ref = asObj(specOf(machine).infrastructureRef);
  const name = str(ref.name);
  return name && ref.kind === "HCloudMachine" ? api.get(INFRA, "HCloudMachine", machine.metadata.namespace, name) : undefined;
}

/** The TalosConfig of the machine (its bootstrap configRef). */
export function talosConfigOf(api: ClusterApi, machine: KubeObject): KubeObject | undefined {
  const name = str(asObj(asObj(specOf(machine).bootstrap).configRef).name);
  return name ? api.get(BOOTSTRAP, "TalosConfig", machine.metadata.namespace, name) : undefined;
}

/** The bootstrap data Secret's name: set on the Machine by CAPI core, else read from the TalosConfig's status. */
export function dataSecretNameOf(api: ClusterApi, machine: KubeObject): string | undefined {
  const tc = talosConfigOf(api, machine);
  return str(asObj(specOf(machine).bootstrap).dataSecretName) ?? (tc && str(statusOf(tc).dataSecretName));
}

/** Infrastructure ready: Machine.status.infrastructureReady (core) or the HCloudMachine's own status.ready (CAPH). */
export function infraReady(api: ClusterApi, machine: KubeObject): boolean {
  if (statusOf(machine).infrastructureReady === true) return true;
  const hm = infraOf(api, machine);
  return hm !== undefined && statusOf(hm).ready === true;
}

export function addressesOf(hm: KubeObject | undefined): { type: string; address: string }[] {
  return asArray(hm && statusOf(hm).addresses).flatMap((a) => (typeof a.type === "string" && typeof a.address === "string" ? [{ type: a.type, address: a.address }] : []));
}

/** The name of a machine's Node: its HCloudMachine's (the server's) name. */
export const nodeNameOf = (machine: KubeObject): string => str(asObj(specOf(machine).infrastructureRef).name) ?? machine.metadata.name ?? "";

export const isControlPlane = (machine: KubeObject): boolean => machine.metadata.labels?.[CONTROL_PLANE_LABEL] !== undefined;

export function nodeReady(node: KubeObject | undefined): boolean {
  return asArray(node && statusOf(node).conditions).some((c) => c.type === "Ready" && c.status === "True");
}
