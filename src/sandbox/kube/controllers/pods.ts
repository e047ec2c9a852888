// What the workload controllers ask of Pods: one made from a pod template (labels, annotations,
// controller reference, spec), and whether a Pod counts as active or ready the way the real
// ReplicaSet, StatefulSet, DaemonSet and Job controllers count them.
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, controllerRef, type Obj } from "./meta.js";

export interface PodOptions {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Overrides merged into the template's spec (nodeName, hostname, volumes...). */
  spec?: Obj;
}

/** A Pod of `owner` from its pod template, as the controller creates it (status left to the kubelet). */
export function podFromTemplate(owner: KubeObject, template: unknown, opts: PodOptions): KubeObject {
  const tpl = asObj(template);
  const meta = asObj(tpl.metadata);
  const labels = { ...(asObj(meta.labels) as Record<string, string>), ...opts.labels };
  const annotations = { ...(asObj(meta.annotations) as Record<string, string>), ...opts.annotations };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: opts.name,
      namespace: owner.metadata.namespace ?? "default",
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: { ...structuredClone(asObj(tpl.spec)), ...opts.spec },
  };
}

export function createPod(api: ClusterApi, manager: string, pod: KubeObject): KubeObject {
  return api.create(pod, manager);
}

export function podPhase(pod: KubeObject): string {
  return String(asObj(pod.status).phase ?? "Pending");
}

/** Not being deleted and not finished: what counts toward a controller's replicas. */
export function isActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return pod.metadata.deletionTimestamp === undefined && phase !== "Succeeded" && phase !== "Failed";
}

export function isReady(pod: KubeObject): boolean {
  return asArray(asObj(pod.status).conditions).some((c) => c.type === "Ready" && c.status === "True");
}

export function podIP(pod: KubeObject): string | undefined {
  const ip = asObj(pod.status).podIP;
  return typeof ip === "string" && ip !== "" ? ip : undefined;
}

/** Ready Pods first, then scheduled, then the newest: the ones a scale-down keeps last. */
export function deletionOrder(pods: KubeObject[]): KubeObject[] {
  const rank = (p: KubeObject): number => (isReady(p) ? 2 : asObj(p.spec).nodeName ? 1 : 0);
  return [...pods].sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") || (b.metadata.name ?? "").localeCompare(a.metadata.name ?? ""));
}

export function deletePod(api: ClusterApi, pod: KubeObject): void {
  api.delete("v1", "Pod", pod.metadata.namespace, pod.metadata.name ?? "");
}

/** Container names and images of a template, for ControllerRevision data and table cells. */
export function containersOf(template: unknown): Obj[] {
  return asArray(asObj(asObj(template).spec).containers);
}
