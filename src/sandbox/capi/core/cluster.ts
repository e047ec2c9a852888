// The simulated CAPI core's Cluster controller: owns the infrastructure cluster and the control
// plane it refers to (the owner graph `clusterctl move` walks), takes the control-plane endpoint
// from the infrastructure cluster, reports phases and conditions, and deletes in CAPI's order:
// control plane, pools and machines first, the infrastructure cluster once they are gone.
import { asObj, str, writeObject, writeStatus, type Obj } from "../../kube/controllers/meta.js";
import type { ClusterApi, KubeObject, OwnerReference } from "../../kube/types.js";
import { clean, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "../caph/objects.js";
import { isPaused, keyOf, mapped, self, splitKey, type AsyncController } from "../runtime.js";
import type { ProviderContext } from "../types.js";

export const CAPI = "cluster.x-k8s.io/v1beta1";
export const CORE_MANAGER = "capi-controller-manager";
export const CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";
const FINALIZER = "cluster.cluster.x-k8s.io";
const POLL_MS = 100;

export function ownerRefOf(owner: KubeObject, controller: boolean): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? "", uid: owner.metadata.uid ?? "", controller, blockOwnerDeletion: true };
}

/** `obj` with `owner` among its owners (once). */
export function withOwner(obj: KubeObject, owner: KubeObject, controller: boolean): KubeObject | undefined {
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.some((r) => r.uid === owner.metadata.uid)) return undefined;
  const others = controller ? refs.map((r) => ({ ...r, controller: false })) : refs;
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [...others, ownerRefOf(owner, controller)] } };
}

/** The object a reference names, in `namespace`. */
export function refTarget(api: ClusterApi, ref: unknown, namespace: string | undefined): KubeObject | undefined {
  const r = asObj(ref);
  const apiVersion = str(r.apiVersion);
  const kind = str(r.kind);
  const name = str(r.name);
  if (!apiVersion || !kind || !name || !api.kindFor(apiVersion, kind)) return undefined;
  return api.get(apiVersion, kind, namespace, name);
}

/** Clusters whose infrastructureRef or controlPlaneRef names `obj`. */
function referrers(api: ClusterApi, obj: KubeObject): string[] {
  return api
    .list(CAPI, "Cluster", obj.metadata.namespace)
    .filter((c) => [specOf(c).infrastructureRef, specOf(c).controlPlaneRef].some((r) => asObj(r).kind === obj.kind && asObj(r).name === obj.metadata.name))
    .map(keyOf);
}

export function clusterController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;
  const byLabel = (o: KubeObject) => {
    const c = o.metadata.labels?.[CLUSTER_NAME_LABEL];
    return c ? [`${o.metadata.namespace ?? ""}/${c}`] : [];
  };
  const watches = [self(CAPI, "Cluster"), mapped(CAPI, "Machine", byLabel)];
  for (const [v, k] of [["infrastructure.cluster.x-k8s.io/v1beta1", "HetznerCluster"], ["controlplane.cluster.x-k8s.io/v1alpha3", "TalosControlPlane"]] as const) watches.push(mapped(v, k, (o) => referrers(api, o)));

  async function remove(cluster: KubeObject): Promise<{ requeueAfterMs: number } | void> {
    const ns = cluster.metadata.namespace;
    const name = cluster.metadata.name ?? "";
    const cp = refTarget(api, specOf(cluster).controlPlaneRef, ns);
    if (cp && !cp.metadata.deletionTimestamp) api.delete(cp.apiVersion, cp.kind, ns, cp.metadata.name ?? "");
    for (const kind of ["MachineDeployment", "MachineSet", "Machine"]) {
      if (!api.kindFor(CAPI, kind)) continue;
      for (const o of api.list(CAPI, kind, ns, `${CLUSTER_NAME_LABEL}=${name}`)) if (!o.metadata.deletionTimestamp) api.delete(CAPI, kind, ns, o.metadata.name ?? "");
    }
    const machines = api.list(CAPI, "Machine", ns, `${CLUSTER_NAME_LABEL}=${name}`);
    // As CAPI's descendants: the pools and their sets too, which let their machines go first.
    const pools = ["MachineDeployment", "MachineSet"].flatMap((kind) => (api.kindFor(CAPI, kind) ? api.list(CAPI, kind, ns, `${CLUSTER_NAME_LABEL}=${name}`) : []));
    if (cp || machines.length > 0 || pools.length > 0) return writeDeleting(cluster, `${machines.length} machines, ${pools.length} machine deployments and sets and the control plane are being deleted`);
    const infra = refTarget(api, specOf(cluster).infrastructureRef, ns);
    if (infra) {
      if (!infra.metadata.deletionTimestamp) api.delete(infra.apiVersion, infra.kind, ns, infra.metadata.name ?? "");
      return writeDeleting(cluster, `waiting for ${infra.kind} ${name} to be deleted`);
    }
    const next = withoutFinalizer(cluster, FINALIZER);
    if (next) api.update(next, CORE_MANAGER);
    ctx.log(`Cluster ${ns ?? ""}/${name} deleted`);
  }

  function writeDeleting(cluster: KubeObject, why: string): { requeueAfterMs: number } {
    writeStatus(api, cluster, clean({ ...statusOf(cluster), phase: "Deleting", conditions: withConditions(statusOf(cluster).conditions, [notOk("Ready", "Deleting", "Info", why)]) }), CORE_MANAGER);
    return { requeueAfterMs: POLL_MS };
  }

  return {
    name: "capi/cluster",
    primary: { apiVersion: CAPI, kind: "Cluster" },
    watches,
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      let cluster = api.get(CAPI, "Cluster", namespace, name);
      if (!cluster || isPaused(api, cluster)) return;
      if (cluster.metadata.deletionTimestamp) return remove(cluster);
      const withFin = withFinalizer(cluster, FINALIZER);
      if (withFin) cluster = api.update(withFin, CORE_MANAGER);
      const infra = refTarget(api, specOf(cluster).infrastructureRef, namespace);
      const cp = refTarget(api, specOf(cluster).controlPlaneRef, namespace);
      for (const o of [infra, cp]) {
        const owned = o && withOwner(o, cluster, true);
        if (owned) api.update({ ...owned, metadata: { ...owned.metadata, labels: { ...owned.metadata.labels, [CLUSTER_NAME_LABEL]: name } } }, CORE_MANAGER);
      }
      // As CAPI's reconcilers do, the Cluster also owns (not controls) the control plane's machine
      // template and its MachineHealthChecks: clusterctl move follows these owner references.
      const template = cp && refTarget(api, specOf(cp).infrastructureTemplate ?? asObj(specOf(cp).machineTemplate).infrastructureRef, namespace);
      const checks = api.kindFor(CAPI, "MachineHealthCheck") ? api.list(CAPI, "MachineHealthCheck", namespace).filter((m) => specOf(m).clusterName === name) : [];
      for (const o of [template, ...checks]) {
        const owned = o && withOwner(o, cluster, false);
        if (owned) api.update(owned, CORE_MANAGER);
      }
      // The endpoint comes from the infrastructure cluster (CAPH: the load balancer's address).
      const endpoint = asObj(infra && specOf(infra).controlPlaneEndpoint);
      if (str(endpoint.host) && !str(asObj(specOf(cluster).controlPlaneEndpoint).host)) {
        cluster = writeObject(api, cluster, { ...cluster, spec: { ...specOf(cluster), controlPlaneEndpoint: { host: endpoint.host, port: endpoint.port ?? 6443 } } }, CORE_MANAGER);
      }
      const infraReady = infra ? statusOf(infra).ready === true : false;
      const cpStatus = cp ? statusOf(cp) : {};
      const initialized = cpStatus.initialized === true;
      const cpReady = cpStatus.ready === true;
      const conds: Cond[] = [
        infraReady ? ok("InfrastructureReady") : notOk("InfrastructureReady", "WaitingForInfrastructure", "Info", `waiting for ${asObj(specOf(cluster).infrastructureRef).kind ?? "the infrastructure"} to be ready`),
        initialized ? ok("ControlPlaneInitialized") : notOk("ControlPlaneInitialized", "WaitingForControlPlaneProviderInitialized", "Info", "waiting for the control plane to be initialized"),
        cpReady ? ok("ControlPlaneReady") : notOk("ControlPlaneReady", "WaitingForControlPlane", "Info", "waiting for the control plane to be ready"),
        infraReady && cpReady ? ok("Ready") : notOk("Ready", "WaitingForControlPlane", "Info", "the cluster is being provisioned"),
      ];
      const failureDomains = infra ? statusOf(infra).failureDomains : undefined;
      const status: Obj = clean({
        ...statusOf(cluster),
        phase: infraReady && str(asObj(specOf(cluster).controlPlaneEndpoint).host) ? "Provisioned" : "Provisioning",
        infrastructureReady: infraReady,
        controlPlaneReady: cpReady,
        failureDomains,
        observedGeneration: cluster.metadata.generation,
        conditions: withConditions(statusOf(cluster).conditions, conds),
      });
      writeStatus(api, cluster, status, CORE_MANAGER);
      if (!infraReady || !cpReady) return { requeueAfterMs: POLL_MS * 5 };
    },
  };
}
