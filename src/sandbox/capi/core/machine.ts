// The simulated CAPI core's Machine controller: owns its bootstrap config and infrastructure
// machine, takes the bootstrap data Secret's name and the providerID from them, finds its Node in
// the workload cluster by that providerID (nodeRef) and keeps its node-role labels on it, reports
// Pending → Provisioning → Provisioned → Running, and on delete removes the infrastructure machine
// (CAPH deletes the server), the bootstrap config and the Node before letting the Machine go.
import { asObj, str, writeObject, writeStatus } from "../../kube/controllers/meta.js";
import type { ClusterApi, KubeObject } from "../../kube/types.js";
import { clean, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "../caph/objects.js";
import { isPaused, mapped, ownedBy, self, splitKey, type AsyncController } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { CAPI, CLUSTER_NAME_LABEL, CORE_MANAGER, refTarget, withOwner } from "./cluster.js";

const FINALIZER = "machine.cluster.x-k8s.io";
const POLL_MS = 100;

/** The workload cluster's API, through the `<cluster>-kubeconfig` Secret's server (a world cluster's address). */
export function workloadApi(ctx: ProviderContext, namespace: string | undefined, cluster: string): ClusterApi | undefined {
  const secret = ctx.api.get("v1", "Secret", namespace, `${cluster}-kubeconfig`);
  const value = str(asObj(secret?.data).value);
  if (!value) return undefined;
  const server = /server:\s*(\S+)/.exec(Buffer.from(value, "base64").toString("utf8"))?.[1];
  const world = ctx.clusters.list().find((c) => c.server === server);
  return world ? ctx.clusters.api(world.name) : undefined;
}

/** Label domains CAPI keeps in step from the Machine to its Node (a node may not set them itself). */
const SYNCED_DOMAINS = ["node-role.kubernetes.io", "node-restriction.kubernetes.io", "node.cluster.x-k8s.io"];
const LABELS_FROM_MACHINE = "cluster.x-k8s.io/labels-from-machine";
const synced = (key: string) => {
  const domain = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
  return domain === SYNCED_DOMAINS[0] || SYNCED_DOMAINS.slice(1).some((d) => domain === d || domain.endsWith(`.${d}`));
};

/**
 * As CAPI's machine controller does once a Machine has its Node: the Machine's labels of the synced
 * domains on the Node (those it put there before and the Machine lost, removed), and the
 * annotations naming the Node's cluster and Machine.
 */
function syncNode(workload: ClusterApi, node: KubeObject, m: KubeObject): void {
  const want = Object.fromEntries(Object.entries(m.metadata.labels ?? {}).filter(([k]) => synced(k)));
  const before = (node.metadata.annotations?.[LABELS_FROM_MACHINE] ?? "").split(",").filter((k) => k !== "");
  const labels = { ...node.metadata.labels };
  for (const k of before) if (!(k in want)) delete labels[k];
  Object.assign(labels, want);
  const owner = (m.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  const annotations: Record<string, string> = {
    ...node.metadata.annotations,
    "cluster.x-k8s.io/cluster-name": str(specOf(m).clusterName) ?? "",
    "cluster.x-k8s.io/cluster-namespace": m.metadata.namespace ?? "default",
    "cluster.x-k8s.io/machine": m.metadata.name ?? "",
    ...(owner ? { "cluster.x-k8s.io/owner-kind": owner.kind, "cluster.x-k8s.io/owner-name": owner.name } : {}),
    [LABELS_FROM_MACHINE]: Object.keys(want).sort().join(","),
  };
  writeObject(workload, node, { ...node, metadata: { ...node.metadata, labels, annotations } }, CORE_MANAGER);
}

export function machineController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;
  const toMachine = (o: KubeObject) => (o.metadata.ownerReferences ?? []).filter((r) => r.kind === "Machine").map((r) => `${o.metadata.namespace ?? ""}/${r.name}`);

  async function remove(m: KubeObject, clusterName: string): Promise<{ requeueAfterMs: number } | void> {
    const ns = m.metadata.namespace;
    const parts = [refTarget(api, specOf(m).infrastructureRef, ns), refTarget(api, asObj(specOf(m).bootstrap).configRef, ns)].filter((o): o is KubeObject => o !== undefined);
    for (const o of parts) if (!o.metadata.deletionTimestamp) api.delete(o.apiVersion, o.kind, ns, o.metadata.name ?? "");
    if (parts.length > 0) {
      writeStatus(api, m, clean({ ...statusOf(m), phase: "Deleting" }), CORE_MANAGER);
      return { requeueAfterMs: POLL_MS };
    }
    const node = str(asObj(statusOf(m).nodeRef).name);
    const workload = workloadApi(ctx, ns, clusterName);
    if (node && workload?.get("v1", "Node", undefined, node)) workload.delete("v1", "Node", undefined, node);
    const next = withoutFinalizer(m, FINALIZER);
    if (next) api.update(next, CORE_MANAGER);
  }

  return {
    name: "capi/machine",
    primary: { apiVersion: CAPI, kind: "Machine" },
    watches: [
      self(CAPI, "Machine"),
      mapped("infrastructure.cluster.x-k8s.io/v1beta1", "HCloudMachine", toMachine),
      mapped("bootstrap.cluster.x-k8s.io/v1alpha3", "TalosConfig", toMachine),
      ownedBy(CAPI, "Machine", "Machine"),
    ],
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      let m = api.get(CAPI, "Machine", namespace, name);
      if (!m || isPaused(api, m)) return;
      const clusterName = str(specOf(m).clusterName) ?? m.metadata.labels?.[CLUSTER_NAME_LABEL] ?? "";
      if (m.metadata.deletionTimestamp) return remove(m, clusterName);
      let next: KubeObject = withFinalizer(m, FINALIZER) ?? m;
      if (next.metadata.labels?.[CLUSTER_NAME_LABEL] !== clusterName) next = { ...next, metadata: { ...next.metadata, labels: { ...next.metadata.labels, [CLUSTER_NAME_LABEL]: clusterName } } };
      const config = refTarget(api, asObj(specOf(m).bootstrap).configRef, namespace);
      const infra = refTarget(api, specOf(m).infrastructureRef, namespace);
      for (const o of [config, infra]) {
        const owned = o && withOwner(o, m, true);
        if (owned) api.update(owned, CORE_MANAGER);
      }
      const dataSecretName = str(asObj(specOf(m).bootstrap).dataSecretName) ?? (config && statusOf(config).ready === true ? str(statusOf(config).dataSecretName) : undefined);
      const providerID = str(specOf(m).providerID) ?? (infra ? str(specOf(infra).providerID) : undefined);
      next = { ...next, spec: { ...specOf(next), bootstrap: { ...asObj(specOf(next).bootstrap), ...(dataSecretName ? { dataSecretName } : {}) }, ...(providerID ? { providerID } : {}) } };
      m = writeObject(api, m, next, CORE_MANAGER);

      const infraReady = infra ? statusOf(infra).ready === true : false;
      const workload = workloadApi(ctx, namespace, clusterName);
      const node = providerID && workload ? workload.list("v1", "Node").find((n) => specOf(n).providerID === providerID) : undefined;
      if (node && workload) syncNode(workload, node, m);
      const nodeReady = node ? (asObj(node.status).conditions as Array<{ type?: string; status?: string }> | undefined)?.some((c) => c.type === "Ready" && c.status === "True") === true : false;
      const phase = node ? "Running" : infraReady ? "Provisioned" : dataSecretName ? "Provisioning" : "Pending";
      const conds: Cond[] = [
        dataSecretName ? ok("BootstrapReady") : notOk("BootstrapReady", "WaitingForDataSecret", "Info", "waiting for the bootstrap data"),
        infraReady ? ok("InfrastructureReady") : notOk("InfrastructureReady", "WaitingForInfrastructure", "Info", "waiting for the server"),
        nodeReady ? ok("NodeHealthy") : notOk("NodeHealthy", node ? "NodeConditionsFailed" : "NodeProvisioning", "Info", node ? "the node is not Ready" : "waiting for the node"),
        nodeReady ? ok("Ready") : notOk("Ready", "NodeProvisioning", "Info", "waiting for the machine to be running"),
      ];
      const addresses = infra ? statusOf(infra).addresses : undefined;
      writeStatus(api, m, clean({
        ...statusOf(m),
        phase,
        bootstrapReady: dataSecretName !== undefined,
        infrastructureReady: infraReady,
        addresses,
        nodeRef: node ? { apiVersion: "v1", kind: "Node", name: node.metadata.name, uid: node.metadata.uid } : undefined,
        observedGeneration: m.metadata.generation,
        conditions: withConditions(statusOf(m).conditions, conds),
      }), CORE_MANAGER);
      // The Node lives in another cluster, which sends this one no events: look again while it matters.
      if (!nodeReady) return { requeueAfterMs: POLL_MS * 2 };
      return { requeueAfterMs: 2_000 };
    },
  };
}
