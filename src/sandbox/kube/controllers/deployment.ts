// The Deployment controller: one ReplicaSet per pod template (`<deploy>-<pod-template-hash>`,
// revision annotations, controller reference), the new one scaled to spec.replicas and the old
// ones to 0 once it is available (Recreate: old ones first), old ones beyond
// revisionHistoryLimit deleted, and the status kubectl rollout status and helm --wait read:
// observedGeneration, replica counts, and the Available and Progressing conditions.
import type { ClusterApi, KubeObject } from "../types.js";
import { deepEqual } from "../objects.js";
import { asArray, asObj, controllerRef, MANAGER, now, num, type Obj, ownedBy, selectorString, str, templateHash, writeObject, writeStatus } from "./meta.js";
import { owned, self, splitKey, type Controller } from "./runtime.js";

const APPS = "apps/v1";
const HASH = "pod-template-hash";
const REVISION = "deployment.kubernetes.io/revision";
const HISTORY = "deployment.kubernetes.io/revision-history";
const DESIRED = "deployment.kubernetes.io/desired-replicas";
const MAX = "deployment.kubernetes.io/max-replicas";

/** null, {} and [] dropped: Go's semantic equality holds nil and empty (and a null time) equal. */
function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (value === null || typeof value !== "object") return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value as Obj)) {
    const p = pruneEmpty(v);
    const empty = p === null || p === undefined || (typeof p === "object" && Object.keys(p as object).length === 0);
    if (!empty) out[k] = p;
  }
  return out;
}

/** A pod template as deploymentutil.EqualIgnoreHash compares it: without pod-template-hash. */
function stripHash(template: unknown): unknown {
  const t = structuredClone(asObj(template));
  const meta = asObj(t.metadata);
  const labels = { ...asObj(meta.labels) };
  delete labels[HASH];
  return pruneEmpty({ ...t, metadata: { ...meta, labels } });
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

/** intstr.GetScaledValueFromIntOrPercent. */
function scaled(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(String(value));
  if (!m) return 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge and maxUnavailable as numbers (deploymentutil.ResolveFenceposts). */
export function fenceposts(spec: Obj, replicas: number): { surge: number; unavailable: number } {
  const strategy = asObj(spec.strategy);
  if (strategy.type === "Recreate") return { surge: 0, unavailable: 0 };
  const ru = asObj(strategy.rollingUpdate);
  const surge = scaled(ru.maxSurge ?? "25%", replicas, true);
  let unavailable = scaled(ru.maxUnavailable ?? "25%", replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** deploymentutil.SetDeploymentCondition: replaced (moved last) when status or reason change. */
function setDeploymentCondition(conditions: Obj[], next: Obj, time: string): Obj[] {
  const old = conditions.find((c) => c.type === next.type);
  if (old && old.status === next.status && old.reason === next.reason) return conditions;
  const transition = old && old.status === next.status ? old.lastTransitionTime : time;
  return [...conditions.filter((c) => c !== old), { ...next, lastUpdateTime: time, lastTransitionTime: transition }];
}

function newReplicaSet(d: KubeObject, hash: string, replicas: number, revision: number, maxReplicas: number): KubeObject {
  const spec = asObj(d.spec);
  const template = structuredClone(asObj(spec.template));
  const tmeta = asObj(template.metadata);
  const labels = { ...(asObj(tmeta.labels) as Record<string, string>), [HASH]: hash };
  const selector = asObj(spec.selector);
  const annotations = { ...d.metadata.annotations };
  delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
  delete annotations[REVISION];
  return {
    apiVersion: APPS,
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name ?? ""}-${hash}`,
      namespace: d.metadata.namespace ?? "default",
      labels,
      annotations: { ...annotations, [DESIRED]: String(replicas), [MAX]: String(maxReplicas), [REVISION]: String(revision) },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas,
      ...(spec.minReadySeconds !== undefined ? { minReadySeconds: spec.minReadySeconds } : {}),
      selector: { ...selector, matchLabels: { ...asObj(selector.matchLabels), [HASH]: hash } },
      template: { ...template, metadata: { ...tmeta, labels } },
    },
  };
}

/** Sets spec.replicas and the annotations of `rs`, writing only when something changes. */
function scale(api: ClusterApi, rs: KubeObject, replicas: number, annotations: Record<string, string>): KubeObject {
  const next = { ...rs, metadata: { ...rs.metadata, annotations: { ...rs.metadata.annotations, ...annotations } }, spec: { ...asObj(rs.spec), replicas } };
  return writeObject(api, rs, next);
}

export function deploymentController(api: ClusterApi): Controller {
  return {
    name: "deployment",
    primary: { apiVersion: APPS, kind: "Deployment" },
    watches: [self(APPS, "Deployment"), owned(APPS, "ReplicaSet", "Deployment")],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      let d = api.get(APPS, "Deployment", namespace, name);
      if (!d || d.metadata.deletionTimestamp) return;
      const spec = asObj(d.spec);
      const desired = num(spec.replicas, 1);
      const selector = selectorString(spec.selector);
      const { surge, unavailable } = fenceposts(spec, desired);
      const recreate = asObj(spec.strategy).type === "Recreate";
      const sameTemplate = (rs: KubeObject) => deepEqual(stripHash(asObj(rs.spec).template), stripHash(spec.template));
      const byAge = (a: KubeObject, b: KubeObject) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "");
      let all = ownedBy(api, APPS, "ReplicaSet", d, selector).sort(byAge);
      let newRs = all.find(sameTemplate);
      const oldRs = all.filter((rs) => rs !== newRs);
      const maxRevision = Math.max(0, ...all.map(revisionOf));
      const oldPods = oldRs.reduce((n, rs) => n + num(asObj(rs.status).replicas, 0), 0);
      const marks = (revision: number) => ({ [DESIRED]: String(desired), [MAX]: String(desired + surge), [REVISION]: String(revision) });

      if (!newRs && spec.paused !== true) {
        const collisionCount = num(asObj(d.status).collisionCount, 0);
        const hash = templateHash(spec.template, collisionCount);
        if (api.get(APPS, "ReplicaSet", namespace, `${name}-${hash}`)) {
          // The name is taken by a ReplicaSet of another template: hash again with collisionCount + 1.
          writeStatus(api, d, { ...asObj(d.status), collisionCount: collisionCount + 1 });
          return;
        }
        const start = recreate && oldPods > 0 ? 0 : desired;
        newRs = api.create(newReplicaSet(d, hash, start, maxRevision + 1, desired + surge), MANAGER);
      } else if (newRs) {
        const rev = revisionOf(newRs);
        const extra: Record<string, string> = {};
        if (rev < maxRevision) {
          // Rolled back to an older template: it becomes the newest revision again.
          const history = newRs.metadata.annotations?.[HISTORY];
          extra[HISTORY] = history ? `${history},${rev}` : String(rev);
        }
        const target = recreate && oldPods > 0 ? 0 : desired;
        newRs = scale(api, newRs, target, { ...marks(rev < maxRevision ? maxRevision + 1 : rev), ...extra });
      }
      const newAvailable = newRs ? num(asObj(newRs.status).availableReplicas, 0) : 0;
      if (spec.paused !== true && (recreate || (newRs && newAvailable >= desired))) {
        for (const rs of oldRs) if (num(asObj(rs.spec).replicas, 1) !== 0) scale(api, rs, 0, { [DESIRED]: String(desired), [MAX]: String(desired + surge) });
      }
      cleanup(api, oldRs, num(spec.revisionHistoryLimit, 10));

      const revision = newRs?.metadata.annotations?.[REVISION];
      if (revision && d.metadata.annotations?.[REVISION] !== revision) {
        d = writeObject(api, d, { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [REVISION]: revision } } });
      }
      all = ownedBy(api, APPS, "ReplicaSet", d, selector);
      const current = newRs ? all.find((rs) => rs.metadata.uid === newRs?.metadata.uid) : undefined;
      writeStatus(api, d, deploymentStatus(d, all, current, desired, unavailable));
    },
  };
}

function cleanup(api: ClusterApi, oldRs: KubeObject[], limit: number): void {
  const idle = oldRs
    .filter((rs) => num(asObj(rs.spec).replicas, 1) === 0 && num(asObj(rs.status).replicas, 0) === 0 && !rs.metadata.deletionTimestamp)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) api.delete(APPS, "ReplicaSet", rs.metadata.namespace, rs.metadata.name ?? "");
}

function deploymentStatus(d: KubeObject, all: KubeObject[], newRs: KubeObject | undefined, desired: number, maxUnavailable: number): Obj {
  const sum = (list: KubeObject[], field: string, from: "spec" | "status" = "status") => list.reduce((n, rs) => n + num(asObj(rs[from])[field], 0), 0);
  const replicas = sum(all, "replicas");
  const updated = newRs ? sum([newRs], "replicas") : 0;
  const ready = sum(all, "readyReplicas");
  const available = sum(all, "availableReplicas");
  const unavailable = Math.max(0, sum(all, "replicas", "spec") - available);
  const old = asObj(d.status);
  const time = now();
  let conditions = asArray(old.conditions);
  conditions = setDeploymentCondition(
    conditions,
    available >= desired - maxUnavailable
      ? { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." }
      : { type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." },
    time,
  );
  const rsName = str(newRs?.metadata.name) ?? "";
  const progressing: Obj = asObj(d.spec).paused === true
    ? { type: "Progressing", status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" }
    : newRs && updated === desired && replicas === desired && available === desired
      ? { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${rsName}" has successfully progressed.` }
      : { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${rsName}" is progressing.` };
  conditions = setDeploymentCondition(conditions, progressing, time);
  const positive = (field: string, n: number) => (n > 0 ? { [field]: n } : {});
  return {
    observedGeneration: d.metadata.generation ?? 1,
    ...positive("replicas", replicas),
    ...positive("updatedReplicas", updated),
    ...positive("readyReplicas", ready),
    ...positive("availableReplicas", available),
    ...positive("unavailableReplicas", unavailable),
    conditions,
    ...(num(old.collisionCount, 0) > 0 ? { collisionCount: old.collisionCount } : {}),
  };
}
