// The simulated CAPI core's MachineSet controller (cluster-api v1.10): keeps spec.replicas Machines
// matching its selector, each made with a TalosConfig and an HCloudMachine cloned from the
// templates its Machine template names (the Machine's name for all three, cloned-from
// annotations), removes the surplus (machines marked for deletion or without a node first, then
// the newest), keeps the template's labels on its Machines, owns its templates through its
// MachineDeployment (clusterctl move follows that), and on delete lets its Machines go first. A
// paused or absent Cluster leaves it alone: clusterctl move creates the MachineSet before its
// Machines, in a paused Cluster.
import { randomInt } from "node:crypto";
import { asObj, controllerRef, labelsMatch, num, str, writeObject, writeStatus, type Obj } from "../../kube/controllers/meta.js";
import type { ClusterApi, KubeObject } from "../../kube/types.js";
import { clean, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "../caph/objects.js";
import { isPaused, mapped, ownedBy, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { CAPI, CLUSTER_NAME_LABEL, CORE_MANAGER, ownerRefOf, refTarget, withOwner } from "./cluster.js";

export const SET_NAME_LABEL = "cluster.x-k8s.io/set-name";
export const DEPLOYMENT_NAME_LABEL = "cluster.x-k8s.io/deployment-name";
export const TEMPLATE_HASH_LABEL = "machine-template-hash";
/** A Machine to be removed first when a MachineSet scales down (CAPI's delete-machine annotation). */
export const DELETE_MACHINE_ANNOTATION = "cluster.x-k8s.io/delete-machine";
const FINALIZER = "cluster.x-k8s.io/machineset";
const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"; // apiserver's generateName alphabet

/** Five characters of the apiserver's generateName alphabet, as `names.SimpleNameGenerator` gives them. */
export function randomSuffix(): string {
  return Array.from({ length: 5 }, () => NAME_CHARS[randomInt(NAME_CHARS.length)]).join("");
}

const conds = (o: KubeObject): Obj[] => (Array.isArray(statusOf(o).conditions) ? (statusOf(o).conditions as Obj[]) : []);
/** A Machine whose node is Ready (the Machine controller's Ready condition with a nodeRef). */
export const machineReady = (m: KubeObject): boolean => statusOf(m).nodeRef !== undefined && conds(m).some((c) => c.type === "Ready" && c.status === "True");

/** The Cluster a MachineSet or MachineDeployment belongs to (spec.clusterName). */
export function clusterOf(api: ClusterApi, obj: KubeObject): KubeObject | undefined {
  const name = str(specOf(obj).clusterName) ?? obj.metadata.labels?.[CLUSTER_NAME_LABEL];
  return name ? api.get(CAPI, "Cluster", obj.metadata.namespace, name) : undefined;
}

/** The Machines `ms` controls (its selector's, with its controller reference). */
export function machinesOf(api: ClusterApi, ms: KubeObject): KubeObject[] {
  const match = asObj(asObj(specOf(ms).selector).matchLabels);
  return api.list(CAPI, "Machine", ms.metadata.namespace).filter((m) => labelsMatch(match, m.metadata.labels) && (m.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === ms.metadata.uid));
}

export function machineSetController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;

  async function remove(ms: KubeObject): Promise<ReconcileResult> {
    const machines = machinesOf(api, ms);
    for (const m of machines) if (!m.metadata.deletionTimestamp) api.delete(CAPI, "Machine", m.metadata.namespace, m.metadata.name ?? "");
    if (machines.length > 0) return writeCounts(ms, machines, "Deleting");
    const next = withoutFinalizer(ms, FINALIZER);
    if (next) api.update(next, CORE_MANAGER);
    ctx.log(`MachineSet ${ms.metadata.namespace ?? ""}/${ms.metadata.name ?? ""} deleted`);
  }

  /** The templates are owned by the MachineDeployment (or the set itself): the Cluster's move carries them. */
  function ownTemplates(ms: KubeObject): void {
    const ns = ms.metadata.namespace;
    const mdRef = (ms.metadata.ownerReferences ?? []).find((r) => r.controller === true && r.kind === "MachineDeployment");
    const owner = (mdRef && api.get(CAPI, "MachineDeployment", ns, mdRef.name)) || ms;
    const tspec = asObj(asObj(specOf(ms).template).spec);
    for (const ref of [tspec.infrastructureRef, asObj(tspec.bootstrap).configRef]) {
      const t = refTarget(api, ref, ns);
      const owned = t && withOwner(t, owner, false);
      if (owned) api.update(owned, CORE_MANAGER);
    }
  }

  /** One Machine with its bootstrap config and infrastructure machine cloned from the templates. */
  function createMachine(ms: KubeObject, clusterName: string): void {
    const ns = ms.metadata.namespace ?? "default";
    const template = asObj(specOf(ms).template);
    const tmeta = asObj(template.metadata);
    const tspec = asObj(template.spec);
    let name = "";
    do name = `${ms.metadata.name ?? ""}-${randomSuffix()}`;
    while (api.get(CAPI, "Machine", ns, name));
    const labels: Record<string, string> = { ...(asObj(tmeta.labels) as Record<string, string>), [CLUSTER_NAME_LABEL]: clusterName, [SET_NAME_LABEL]: ms.metadata.name ?? "" };
    const deployment = ms.metadata.labels?.[DEPLOYMENT_NAME_LABEL];
    if (deployment) labels[DEPLOYMENT_NAME_LABEL] = deployment;
    // As CAPI does: the clones first (owned by the set until their Machine takes them over), then the Machine.
    const infra = clone(ms, tspec.infrastructureRef, name, labels);
    const config = clone(ms, asObj(tspec.bootstrap).configRef, name, labels);
    const bootstrap = { ...asObj(tspec.bootstrap), ...(config ? { configRef: config } : {}) };
    api.create(
      {
        apiVersion: CAPI,
        kind: "Machine",
        metadata: { name, namespace: ns, labels, annotations: asObj(tmeta.annotations) as Record<string, string>, ownerReferences: [controllerRef(ms)] },
        spec: clean({ ...tspec, clusterName, bootstrap, ...(infra ? { infrastructureRef: infra } : {}) }),
      },
      CORE_MANAGER,
    );
    ctx.log(`MachineSet ${ns}/${ms.metadata.name ?? ""}: created machine ${name}`);
  }

  /** The object a template reference's template describes, named `name`; the reference to it. */
  function clone(ms: KubeObject, ref: unknown, name: string, labels: Record<string, string>): Obj | undefined {
    const ns = ms.metadata.namespace ?? "default";
    const tmpl = refTarget(api, ref, ns);
    if (!ref || asObj(ref).name === undefined) return undefined;
    if (!tmpl) throw new Error(`MachineSet ${ns}/${ms.metadata.name ?? ""}: ${str(asObj(ref).kind) ?? "template"} ${str(asObj(ref).name) ?? ""} not found`);
    const kind = tmpl.kind.replace(/Template$/, "");
    const inner = asObj(asObj(specOf(tmpl).template).metadata);
    const group = tmpl.apiVersion.split("/")[0] ?? "";
    const annotations = { ...(asObj(inner.annotations) as Record<string, string>), "cluster.x-k8s.io/cloned-from-name": tmpl.metadata.name ?? "", "cluster.x-k8s.io/cloned-from-groupkind": `${tmpl.kind}.${group}` };
    const owner = { ...ownerRefOf(ms, false), blockOwnerDeletion: undefined };
    api.create(
      clean({ apiVersion: tmpl.apiVersion, kind, metadata: { name, namespace: ns, labels: { ...(asObj(inner.labels) as Record<string, string>), ...labels }, annotations, ownerReferences: [owner] }, spec: asObj(asObj(specOf(tmpl).template).spec) }) as unknown as KubeObject,
      CORE_MANAGER,
    );
    return { apiVersion: tmpl.apiVersion, kind, name, namespace: ns };
  }

  /** The template's labels and annotations reach existing Machines in place, as CAPI v1.10 propagates them (no rollout). */
  function propagate(ms: KubeObject, m: KubeObject): void {
    const tmeta = asObj(asObj(specOf(ms).template).metadata);
    const labels = { ...m.metadata.labels, ...(asObj(tmeta.labels) as Record<string, string>) };
    const annotations = { ...m.metadata.annotations, ...(asObj(tmeta.annotations) as Record<string, string>) };
    writeObject(api, m, { ...m, metadata: { ...m.metadata, labels, annotations } }, CORE_MANAGER);
  }

  /** Which Machines go first on a scale down: marked ones, then those without a Ready node, then the newest. */
  function deletionOrder(machines: KubeObject[]): KubeObject[] {
    const rank = (m: KubeObject) => (m.metadata.annotations?.[DELETE_MACHINE_ANNOTATION] !== undefined ? 0 : machineReady(m) ? 2 : 1);
    return [...machines].sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") || (b.metadata.name ?? "").localeCompare(a.metadata.name ?? ""));
  }

  function writeCounts(ms: KubeObject, machines: KubeObject[], phase?: string): { requeueAfterMs: number } | void {
    const desired = num(specOf(ms).replicas, 1);
    const live = machines.filter((m) => !m.metadata.deletionTimestamp);
    const ready = live.filter(machineReady).length;
    const tlabels = asObj(asObj(asObj(specOf(ms).template).metadata).labels);
    const created = live.length >= desired || phase === "Deleting";
    const c: Cond[] = [
      created ? ok("MachinesCreated") : notOk("MachinesCreated", "MachineCreationFailed", "Warning", `${live.length} of ${desired} machines created`),
      ready === live.length ? ok("MachinesReady") : notOk("MachinesReady", "NodeProvisioning", "Info", `${live.length - ready} of ${live.length} machines not ready`),
      live.length === desired && machines.length === live.length ? ok("Resized") : notOk("Resized", live.length < desired ? "ScalingUp" : "ScalingDown", "Warning", `Scaling ${live.length < desired ? "up" : "down"} MachineSet to ${desired} replicas (actual ${machines.length})`),
    ];
    writeStatus(api, ms, clean({
      ...statusOf(ms),
      selector: Object.entries(asObj(asObj(specOf(ms).selector).matchLabels)).map(([k, v]) => `${k}=${String(v)}`).join(","),
      replicas: machines.length,
      fullyLabeledReplicas: machines.filter((m) => labelsMatch(tlabels, m.metadata.labels)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: ms.metadata.generation,
      conditions: withConditions(statusOf(ms).conditions, c),
    }), CORE_MANAGER);
    if (machines.length !== live.length) return { requeueAfterMs: 200 };
  }

  return {
    name: "capi/machineset",
    primary: { apiVersion: CAPI, kind: "MachineSet" },
    watches: [
      self(CAPI, "MachineSet"),
      ownedBy(CAPI, "Machine", "MachineSet"),
      // An unpaused Cluster (clusterctl move's end) brings its sets back.
      mapped(CAPI, "Cluster", (c) => api.list(CAPI, "MachineSet", c.metadata.namespace, `${CLUSTER_NAME_LABEL}=${c.metadata.name ?? ""}`).map((s) => `${s.metadata.namespace ?? ""}/${s.metadata.name ?? ""}`)),
    ],
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      let ms = api.get(CAPI, "MachineSet", namespace, name);
      if (!ms) return;
      const cluster = clusterOf(api, ms);
      if ((cluster && isPaused(api, cluster)) || ms.metadata.annotations?.["cluster.x-k8s.io/paused"] !== undefined) return;
      if (ms.metadata.deletionTimestamp) return remove(ms);
      if (!cluster) return; // its Cluster's event brings it back (CAPI errors until the Cluster exists)
      const clusterName = cluster.metadata.name ?? "";
      let next = withFinalizer(ms, FINALIZER) ?? ms;
      if (next.metadata.labels?.[CLUSTER_NAME_LABEL] !== clusterName) next = { ...next, metadata: { ...next.metadata, labels: { ...next.metadata.labels, [CLUSTER_NAME_LABEL]: clusterName } } };
      if ((next.metadata.ownerReferences ?? []).length === 0) next = withOwner(next, cluster, false) ?? next;
      ms = writeObject(api, ms, next, CORE_MANAGER);
      ownTemplates(ms);

      // Orphans the selector matches are adopted, as CAPI does (an empty selector would match every machine).
      const match = asObj(asObj(specOf(ms).selector).matchLabels);
      for (const m of Object.keys(match).length > 0 ? api.list(CAPI, "Machine", namespace) : []) {
        if (m.metadata.deletionTimestamp || !labelsMatch(match, m.metadata.labels) || (m.metadata.ownerReferences ?? []).some((r) => r.controller === true)) continue;
        api.update({ ...m, metadata: { ...m.metadata, ownerReferences: [...(m.metadata.ownerReferences ?? []), controllerRef(ms)] } }, CORE_MANAGER);
      }
      let machines = machinesOf(api, ms);
      const live = machines.filter((m) => !m.metadata.deletionTimestamp);
      const desired = num(specOf(ms).replicas, 1);
      // No new machines while the Cluster is being deleted.
      if (live.length < desired && !cluster.metadata.deletionTimestamp) {
        for (let i = live.length; i < desired; i++) createMachine(ms, clusterName);
      } else if (live.length > desired) {
        for (const m of deletionOrder(live).slice(0, live.length - desired)) api.delete(CAPI, "Machine", namespace, m.metadata.name ?? "");
      }
      machines = machinesOf(api, ms);
      for (const m of machines) if (!m.metadata.deletionTimestamp) propagate(ms, m);
      return writeCounts(ms, machines);
    },
  };
}
