// What both CAPH controllers share about the Kubernetes side: the kinds, Cluster API's v1beta1
// conditions (severity on False, a Ready summary first, the others sorted by type, as CAPI's
// conditions package keeps them), the owning Cluster, and whether to leave an object alone.
import { asArray, asObj, setCondition, str, type Obj } from "../../kube/controllers/meta.js";
import type { ClusterApi, KubeObject } from "../../kube/types.js";
import { isPaused } from "../runtime.js";

export const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
export const CAPI = "cluster.x-k8s.io/v1beta1";
export const MANAGER = "caph-controller-manager";
export const CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
export const HETZNER_CLUSTER_FINALIZER = "infrastructure.cluster.x-k8s.io/hetznercluster";
export const HCLOUD_MACHINE_FINALIZER = "infrastructure.cluster.x-k8s.io/hcloudmachine";

export type Severity = "Error" | "Warning" | "Info";
export interface Cond {
  type: string;
  status: "True" | "False";
  reason?: string;
  severity?: Severity;
  message?: string;
}

export const ok = (type: string): Cond => ({ type, status: "True" });
export const notOk = (type: string, reason: string, severity: Severity, message: string): Cond => ({ type, status: "False", reason, severity, message });

/** The conditions after `changes`, with Ready summarising them (the first False one, errors first). */
export function withConditions(old: unknown, changes: Cond[]): Obj[] {
  let conds = asArray(old).filter((c) => c.type !== "Ready");
  for (const c of changes) conds = setCondition(conds, { ...c }, undefined);
  conds = conds.map((c) => (c.status === "True" ? dropFalseFields(c) : c));
  const order: Record<string, number> = { Error: 0, Warning: 1, Info: 2 };
  const worst = conds.filter((c) => c.status === "False").sort((a, b) => (order[str(a.severity) ?? "Info"] ?? 2) - (order[str(b.severity) ?? "Info"] ?? 2))[0];
  const ready: Cond = worst ? notOk("Ready", str(worst.reason) ?? "", (str(worst.severity) as Severity | undefined) ?? "Info", str(worst.message) ?? "") : ok("Ready");
  const readyOld = asArray(old).filter((c) => c.type === "Ready");
  const [readyCond] = setCondition(readyOld, { ...ready });
  conds.sort((a, b) => String(a.type).localeCompare(String(b.type)));
  return readyCond ? [readyCond.status === "True" ? dropFalseFields(readyCond) : readyCond, ...conds] : conds;
}

function dropFalseFields(c: Obj): Obj {
  const { reason: _r, severity: _s, message: _m, ...rest } = c;
  return rest;
}

/** The Cluster that owns `obj` (owner reference, else the cluster-name label, else the same name). */
export function owningCluster(api: ClusterApi, obj: KubeObject): KubeObject | undefined {
  const ns = obj.metadata.namespace;
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.kind === "Cluster" && r.apiVersion.startsWith("cluster.x-k8s.io/"));
  const name = ref?.name ?? obj.metadata.labels?.[CLUSTER_NAME_LABEL];
  if (name) return api.get(CAPI, "Cluster", ns, name);
  return undefined;
}

/** Cluster API's pause (the object, its label's Cluster, or its owning Cluster): clusterctl move sets it. */
export function leaveAlone(api: ClusterApi, obj: KubeObject): boolean {
  if (isPaused(api, obj)) return true;
  const cluster = owningCluster(api, obj);
  return cluster !== undefined && isPaused(api, cluster);
}

export function withFinalizer(obj: KubeObject, finalizer: string): KubeObject | undefined {
  const list = obj.metadata.finalizers ?? [];
  return list.includes(finalizer) ? undefined : { ...obj, metadata: { ...obj.metadata, finalizers: [...list, finalizer] } };
}

export function withoutFinalizer(obj: KubeObject, finalizer: string): KubeObject | undefined {
  const list = obj.metadata.finalizers ?? [];
  return list.includes(finalizer) ? { ...obj, metadata: { ...obj.metadata, finalizers: list.filter((f) => f !== finalizer) } } : undefined;
}

export const specOf = (obj: KubeObject): Obj => asObj(obj.spec);
export const statusOf = (obj: KubeObject): Obj => asObj(obj.status);

/** JSON-clean (no undefined fields), so a status compares equal to what the server stored. */
export const clean = (o: Obj): Obj => JSON.parse(JSON.stringify(o)) as Obj;
