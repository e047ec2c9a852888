// Which Nodes can take a Pod, as kube-scheduler's basic filters decide it: Ready, schedulable,
// the Pod's nodeSelector matched, and every NoSchedule/NoExecute taint tolerated. No resources,
// affinity or spreading: there are no containers to fit.
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, fnv32a, labelsMatch, type Obj } from "./meta.js";

export function nodeIsReady(node: KubeObject): boolean {
  return asArray(asObj(node.status).conditions).some((c) => c.type === "Ready" && c.status === "True");
}

export function nodeInternalIP(node: KubeObject): string | undefined {
  const addr = asArray(asObj(node.status).addresses).find((a) => a.type === "InternalIP");
  return typeof addr?.address === "string" ? addr.address : undefined;
}

function tolerates(tolerations: Obj[], taint: Obj): boolean {
  return tolerations.some((t) => {
    if (t.effect !== undefined && t.effect !== "" && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** The tolerations the DaemonSet controller adds to every daemon Pod. */
export const DAEMON_TOLERATIONS: Obj[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];

/** Whether a Pod with `podSpec` may land on `node`. */
export function fits(node: KubeObject, podSpec: Obj): boolean {
  const spec = asObj(node.spec);
  const tolerations = asArray(podSpec.tolerations);
  if (spec.unschedulable === true && !tolerates(tolerations, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" })) return false;
  if (!labelsMatch(podSpec.nodeSelector, node.metadata.labels)) return false;
  return asArray(spec.taints).every((taint) => taint.effect === "PreferNoSchedule" || tolerates(tolerations, taint));
}

export function listNodes(api: ClusterApi): KubeObject[] {
  return api.list("v1", "Node").sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
}

export type Placement = { node: KubeObject } | { none: true } | { unschedulable: string };

/**
 * Where a new Pod goes: a fitting Ready node (picked by a hash of the Pod's name, so runs repeat),
 * `none` when the cluster has no Nodes at all (the Pod runs anyway, unbound), or why it cannot.
 */
export function place(api: ClusterApi, podName: string, podSpec: Obj): Placement {
  const nodes = listNodes(api);
  if (nodes.length === 0) return { none: true };
  const candidates = nodes.filter((n) => nodeIsReady(n) && fits(n, podSpec));
  const chosen = candidates[fnv32a(podName) % Math.max(candidates.length, 1)];
  if (chosen) return { node: chosen };
  const notReady = nodes.filter((n) => !nodeIsReady(n)).length;
  const unfit = nodes.length - notReady;
  const why = [notReady > 0 ? `${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }` : "", unfit > 0 ? `${unfit} node(s) didn't match Pod's node affinity/selector or had untolerated taints` : ""].filter(Boolean).join(", ");
  return { unschedulable: `0/${nodes.length} nodes are available: ${why}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.` };
}
