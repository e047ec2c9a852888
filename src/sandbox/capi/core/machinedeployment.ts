// The simulated CAPI core's MachineDeployment controller (cluster-api v1.10): one MachineSet per
// machine template (`<md>-<5 random characters>`, the suffix also its machine-template-hash
// label), scaled as a Deployment scales its ReplicaSets. RollingUpdate (CAPI's default surge 1,
// unavailable 0) adds a machine of the new template, waits for its node, then removes an old one;
// a template is the same when version, failure domain and the infrastructure and bootstrap
// template references are (labels and annotations are updated in place, as CAPI does). The
// MachineDeployment is owned by its Cluster (clusterctl move follows that), reports replica counts,
// phase and the v1beta1 Available condition, and on delete lets its MachineSets go first.
import { asObj, controllerRef, num, str, writeObject, writeStatus, type Obj } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { deepEqual } from "../../kube/objects.js";
import { clean, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "../caph/objects.js";
import { isPaused, mapped, ownedBy, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { CAPI, CLUSTER_NAME_LABEL, CORE_MANAGER, withOwner } from "./cluster.js";
import { clusterOf, DEPLOYMENT_NAME_LABEL, randomSuffix, TEMPLATE_HASH_LABEL } from "./machineset.js";

const FINALIZER = "cluster.x-k8s.io/machinedeployment";
const REVISION = "machinedeployment.clusters.x-k8s.io/revision";
const DESIRED = "machinedeployment.clusters.x-k8s.io/desired-replicas";
const MAX = "machinedeployment.clusters.x-k8s.io/max-replicas";

/** What decides whether a Machine is up to date (CAPI's MachineTemplateUpToDate): references by group, kind and name. */
export function templateKey(template: unknown): unknown {
  const spec = asObj(asObj(template).spec);
  const ref = (r: unknown) => ({ group: str(asObj(r).apiVersion)?.split("/")[0], kind: asObj(r).kind, name: asObj(r).name });
  const bootstrap = asObj(spec.bootstrap);
  return clean({ version: spec.version, failureDomain: spec.failureDomain, infrastructureRef: ref(spec.infrastructureRef), configRef: ref(bootstrap.configRef), dataSecretName: bootstrap.dataSecretName });
}

/** intstr.GetScaledValueFromIntOrPercent, with CAPI's defaults: surge 1, unavailable 0. */
function fenceposts(spec: Obj, replicas: number): { surge: number; unavailable: number } {
  const ru = asObj(asObj(spec.strategy).rollingUpdate);
  const scaled = (v: unknown, fallback: number, up: boolean) => {
    if (v === undefined) return fallback;
    if (typeof v === "number") return v;
    const exact = (Number(/^(\d+)%$/.exec(String(v))?.[1] ?? 0) * replicas) / 100;
    return up ? Math.ceil(exact) : Math.floor(exact);
  };
  const surge = scaled(ru.maxSurge, 1, true);
  let unavailable = scaled(ru.maxUnavailable, 0, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

const specReplicas = (ms: KubeObject) => num(specOf(ms).replicas, 1);
const available = (ms: KubeObject) => Math.min(num(statusOf(ms).availableReplicas, 0), specReplicas(ms));
const revisionOf = (ms: KubeObject) => Number(ms.metadata.annotations?.[REVISION] ?? 0) || 0;

export function machineDeploymentController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;
  const setsOf = (md: KubeObject) =>
    api.list(CAPI, "MachineSet", md.metadata.namespace).filter((ms) => (ms.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === md.metadata.uid)).sort((a, b) => revisionOf(a) - revisionOf(b) || (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""));

  function scale(ms: KubeObject, replicas: number, marks: Record<string, string>): KubeObject {
    return writeObject(api, ms, { ...ms, metadata: { ...ms.metadata, annotations: { ...ms.metadata.annotations, ...marks } }, spec: { ...specOf(ms), replicas } }, CORE_MANAGER);
  }

  function newMachineSet(md: KubeObject, clusterName: string, replicas: number, revision: number, marks: Record<string, string>): KubeObject {
    const spec = specOf(md);
    const name = md.metadata.name ?? "";
    let hash = randomSuffix();
    while (api.get(CAPI, "MachineSet", md.metadata.namespace, `${name}-${hash}`)) hash = randomSuffix();
    const template = structuredClone(asObj(spec.template));
    const tmeta = asObj(template.metadata);
    const labels = { ...(asObj(tmeta.labels) as Record<string, string>), [DEPLOYMENT_NAME_LABEL]: name, [CLUSTER_NAME_LABEL]: clusterName, [TEMPLATE_HASH_LABEL]: hash };
    const selector = asObj(spec.selector);
    const ms = api.create(
      {
        apiVersion: CAPI,
        kind: "MachineSet",
        metadata: { name: `${name}-${hash}`, namespace: md.metadata.namespace ?? "default", labels, annotations: { ...marks, [REVISION]: String(revision) }, ownerReferences: [controllerRef(md)] },
        spec: clean({
          clusterName,
          replicas,
          deletePolicy: asObj(asObj(spec.strategy).rollingUpdate).deletePolicy,
          selector: { ...selector, matchLabels: { ...asObj(selector.matchLabels), [TEMPLATE_HASH_LABEL]: hash } },
          template: { ...template, metadata: { ...tmeta, labels } },
        }),
      },
      CORE_MANAGER,
    );
    ctx.log(`MachineDeployment ${md.metadata.namespace ?? ""}/${name}: created MachineSet ${ms.metadata.name ?? ""} (${replicas} replicas)`);
    return ms;
  }

  /** The rolling update's step, as the Deployment controller takes it: scale the new set up within the surge, old ones down within availability. */
  function roll(md: KubeObject, newMs: KubeObject, oldSets: KubeObject[], desired: number, marks: Record<string, string>): KubeObject {
    const { surge, unavailable } = fenceposts(specOf(md), desired);
    const oldSpec = oldSets.reduce((n, ms) => n + specReplicas(ms), 0);
    const newCur = specReplicas(newMs);
    const newTarget = Math.min(desired, Math.max(newCur, desired + surge - oldSpec));
    if (newTarget !== newCur) newMs = scale(newMs, newTarget, marks);
    const allSpec = oldSpec + specReplicas(newMs);
    const minAvailable = desired - unavailable;
    const newUnavailable = specReplicas(newMs) - available(newMs);
    let budget = allSpec - minAvailable - newUnavailable;
    // Old machines that are not available go first: removing them costs no availability.
    for (const ms of oldSets) {
      if (budget <= 0) break;
      const down = Math.min(budget, specReplicas(ms) - available(ms));
      if (down > 0) {
        scale(ms, specReplicas(ms) - down, marks);
        budget -= down;
      }
    }
    const fresh = oldSets.map((ms) => api.get(CAPI, "MachineSet", ms.metadata.namespace, ms.metadata.name ?? "") ?? ms);
    let spare = Math.min(budget, [...fresh, newMs].reduce((n, ms) => n + available(ms), 0) - minAvailable);
    for (const ms of fresh) {
      if (spare <= 0) break;
      const down = Math.min(spare, specReplicas(ms));
      if (down > 0) {
        scale(ms, specReplicas(ms) - down, marks);
        spare -= down;
      }
    }
    return newMs;
  }

  async function remove(md: KubeObject): Promise<ReconcileResult> {
    const sets = setsOf(md);
    for (const ms of sets) if (!ms.metadata.deletionTimestamp) api.delete(CAPI, "MachineSet", ms.metadata.namespace, ms.metadata.name ?? "");
    if (sets.length > 0) return { requeueAfterMs: 200 };
    const next = withoutFinalizer(md, FINALIZER);
    if (next) api.update(next, CORE_MANAGER);
    ctx.log(`MachineDeployment ${md.metadata.namespace ?? ""}/${md.metadata.name ?? ""} deleted`);
  }

  function writeMdStatus(md: KubeObject, newMs: KubeObject | undefined, desired: number): void {
    const sets = setsOf(md);
    const sum = (f: string) => sets.reduce((n, ms) => n + num(statusOf(ms)[f], 0), 0);
    const ready = sum("readyReplicas");
    const avail = sum("availableReplicas");
    const { unavailable } = fenceposts(specOf(md), desired);
    const current = newMs && sets.find((s) => s.metadata.uid === newMs.metadata.uid);
    const msReady = current ? (statusOf(current).conditions as Obj[] | undefined)?.find((c) => c.type === "Ready") : undefined;
    const c: Cond[] = [
      avail >= desired - unavailable ? ok("Available") : notOk("Available", "WaitingForAvailableMachines", "Warning", `Minimum availability requires ${desired - unavailable} replicas, current ${avail} available`),
      msReady?.status === "True" ? ok("MachineSetReady") : notOk("MachineSetReady", str(msReady?.reason) ?? "WaitingForMachineSet", "Info", str(msReady?.message) ?? "waiting for the MachineSet to be ready"),
    ];
    const phase = ready === desired ? "Running" : ready < desired ? "ScalingUp" : "ScalingDown";
    const status = clean({
      ...statusOf(md),
      selector: Object.entries(asObj(asObj(specOf(md).selector).matchLabels)).map(([k, v]) => `${k}=${String(v)}`).join(","),
      replicas: sum("replicas"),
      updatedReplicas: current ? num(statusOf(current).replicas, 0) : 0,
      readyReplicas: ready,
      availableReplicas: avail,
      unavailableReplicas: Math.max(0, sets.reduce((n, ms) => n + specReplicas(ms), 0) - avail),
      phase,
      observedGeneration: md.metadata.generation,
      conditions: withConditions(statusOf(md).conditions, c),
    });
    const strip = (s: Obj) => ({ ...s, conditions: (Array.isArray(s.conditions) ? s.conditions : []).map((x: Obj) => ({ ...x, lastTransitionTime: undefined })) });
    if (!deepEqual(clean(strip(status)), clean(strip(statusOf(md))))) writeStatus(api, md, status, CORE_MANAGER);
  }

  return {
    name: "capi/machinedeployment",
    primary: { apiVersion: CAPI, kind: "MachineDeployment" },
    watches: [
      self(CAPI, "MachineDeployment"),
      ownedBy(CAPI, "MachineSet", "MachineDeployment"),
      mapped(CAPI, "Cluster", (c) => api.list(CAPI, "MachineDeployment", c.metadata.namespace).filter((md) => specOf(md).clusterName === c.metadata.name).map((md) => `${md.metadata.namespace ?? ""}/${md.metadata.name ?? ""}`)),
    ],
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      let md = api.get(CAPI, "MachineDeployment", namespace, name);
      if (!md) return;
      const cluster = clusterOf(api, md);
      if ((cluster && isPaused(api, cluster)) || md.metadata.annotations?.["cluster.x-k8s.io/paused"] !== undefined) return;
      if (md.metadata.deletionTimestamp) return remove(md);
      if (!cluster) return; // its Cluster's event brings it back
      const clusterName = cluster.metadata.name ?? "";
      let next = withFinalizer(md, FINALIZER) ?? md;
      if (next.metadata.labels?.[CLUSTER_NAME_LABEL] !== clusterName) next = { ...next, metadata: { ...next.metadata, labels: { ...next.metadata.labels, [CLUSTER_NAME_LABEL]: clusterName } } };
      next = withOwner(next, cluster, false) ?? next;
      md = writeObject(api, md, next, CORE_MANAGER);
      const spec = specOf(md);
      const desired = num(spec.replicas, 1);
      const sets = setsOf(md).filter((ms) => !ms.metadata.deletionTimestamp);
      const want = templateKey(spec.template);
      let newMs = sets.find((ms) => deepEqual(templateKey(specOf(ms).template), want));
      const oldSets = sets.filter((ms) => ms !== newMs);
      const maxRevision = Math.max(0, ...sets.map(revisionOf));
      const { surge } = fenceposts(spec, desired);
      const marks = { [DESIRED]: String(desired), [MAX]: String(desired + surge) };

      if (spec.paused !== true && !cluster.metadata.deletionTimestamp) {
        const oldSpec = oldSets.reduce((n, ms) => n + specReplicas(ms), 0);
        if (!newMs) newMs = newMachineSet(md, clusterName, oldSpec === 0 ? desired : Math.max(0, Math.min(desired, desired + surge - oldSpec)), maxRevision + 1, marks);
        else newMs = propagate(newMs, md, revisionOf(newMs) < maxRevision ? maxRevision + 1 : revisionOf(newMs));
        if (oldSpec === 0 || str(asObj(spec.strategy).type) === "OnDelete") newMs = scale(newMs, desired, marks);
        else newMs = roll(md, newMs, oldSets, desired, marks);
        // Old sets scaled to nothing go, beyond revisionHistoryLimit (CAPI's default 1).
        const idle = oldSets.map((ms) => api.get(CAPI, "MachineSet", namespace, ms.metadata.name ?? "")).filter((ms): ms is KubeObject => ms !== undefined && specReplicas(ms) === 0 && num(statusOf(ms).replicas, 0) === 0);
        for (const ms of idle.slice(0, Math.max(0, idle.length - num(spec.revisionHistoryLimit, 1)))) api.delete(CAPI, "MachineSet", namespace, ms.metadata.name ?? "");
      }
      const revision = newMs?.metadata.annotations?.[REVISION];
      if (revision && md.metadata.annotations?.[REVISION] !== revision) md = writeObject(api, md, { ...md, metadata: { ...md.metadata, annotations: { ...md.metadata.annotations, [REVISION]: revision } } }, CORE_MANAGER);
      writeMdStatus(md, newMs, desired);
    },
  };

  /** Labels and annotations of the template reach the current set in place (no rollout), and its revision. */
  function propagate(ms: KubeObject, md: KubeObject, revision: number): KubeObject {
    const tmeta = asObj(asObj(specOf(md).template).metadata);
    const hash = ms.metadata.labels?.[TEMPLATE_HASH_LABEL] ?? "";
    const labels = { ...(asObj(tmeta.labels) as Record<string, string>), [DEPLOYMENT_NAME_LABEL]: md.metadata.name ?? "", [CLUSTER_NAME_LABEL]: str(specOf(ms).clusterName) ?? "", [TEMPLATE_HASH_LABEL]: hash };
    const template = { ...asObj(specOf(ms).template), metadata: clean({ ...tmeta, labels }) };
    return writeObject(api, ms, { ...ms, metadata: { ...ms.metadata, annotations: { ...ms.metadata.annotations, [REVISION]: String(revision) } }, spec: { ...specOf(ms), template } }, CORE_MANAGER);
  }
}
