// The simulated CACPPT's TalosControlPlane controller: control-plane Machines (each with a
// TalosConfig and an HCloudMachine cloned from the template) made one at a time, the workload
// cluster with its kubeconfig and talosconfig Secrets once the first server runs (initialized is
// the gate, not readyReplicas, which waits for the CNI), scaling (the oldest removed first), a
// rolling replacement with maxSurge 1 when version, template or machine config change, and on
// delete the machines removed, then the workload cluster.
import { createHash, randomInt } from "node:crypto";
import { asObj, controllerRef, num, str, type Obj } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { clean, leaveAlone, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "../caph/objects.js";
import { isPaused, mapped, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { workloadSecrets } from "./secrets.js";
import { BOOTSTRAP, CACPPT_MANAGER, CAPI, CLUSTER_NAME_LABEL, CONTROL_PLANE_LABEL, CONTROL_PLANE_NAME_LABEL, CONTROLPLANE, INFRA, infraReady, nodeNameOf, nodeReady, TCP_FINALIZER } from "./objects.js";

const SPEC_HASH = "controlplane.cluster.x-k8s.io/talos-spec-hash";
// creationTimestamp has one-second resolution: machines made within a second are ordered by this.
const CREATED_MS = "controlplane.cluster.x-k8s.io/created-ms";
const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"; // apiserver's generateName alphabet

export function talosControlPlaneController(ctx: ProviderContext): AsyncController {
  const { api, timing } = ctx;
  const poll = () => ({ requeueAfterMs: Math.max(timing.ms("cniReady"), 50) });

  async function reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    let tcp = api.get(CONTROLPLANE, "TalosControlPlane", namespace, name);
    if (!tcp || leaveAlone(api, tcp)) return;
    const cluster = owningCluster(tcp);
    // hk's TalosControlPlane names its Cluster only through the Cluster's controlPlaneRef until core owns it.
    if (cluster && isPaused(api, cluster)) return;
    const clusterName = cluster?.metadata.name;
    const machines = api.list(CAPI, "Machine", namespace, `${CONTROL_PLANE_NAME_LABEL}=${name}`).sort(oldestFirst);
    const workload = clusterName === undefined ? undefined : clusterName === ctx.cluster ? api : ctx.clusters.api(clusterName);
    const nodeOf = (m: KubeObject) => workload?.get("v1", "Node", undefined, nodeNameOf(m));

    if (tcp.metadata.deletionTimestamp) {
      for (const m of machines) if (!m.metadata.deletionTimestamp) api.delete(CAPI, "Machine", namespace, m.metadata.name ?? "");
      if (machines.length > 0) return { requeueAfterMs: Math.max(timing.ms("machineDelete"), 50) };
      // After the pivot the workload cluster is the one this runs in: it cannot delete itself.
      if (clusterName && clusterName !== ctx.cluster) await ctx.clusters.delete(clusterName);
      const next = withoutFinalizer(tcp, TCP_FINALIZER);
      if (next) api.update(next, CACPPT_MANAGER);
      return;
    }
    const withFin = withFinalizer(tcp, TCP_FINALIZER);
    if (withFin) tcp = api.update(withFin, CACPPT_MANAGER);
    if (!cluster || !clusterName) return;

    const spec = specOf(tcp);
    const desired = num(spec.replicas, 1);
    const hash = specHash(spec);
    const live = machines.filter((m) => !m.metadata.deletionTimestamp);
    const outdated = live.filter((m) => m.metadata.annotations?.[SPEC_HASH] !== hash);
    const upToDate = live.length - outdated.length;

    // The workload cluster and its Secrets, once the first control-plane server runs.
    let initialized = statusOf(tcp).initialized === true;
    if (live.some((m) => infraReady(api, m))) {
      await workloadSecrets(ctx, tcp, cluster, live, str(spec.version) ?? "v1.33.1");
      initialized = true;
    }

    let wait = false;
    if (live.length < machines.length || live.some((m) => !nodeOf(m))) wait = true; // one at a time
    else if (upToDate < desired && live.length < desired + (outdated.length > 0 ? 1 : 0)) createMachine(tcp, clusterName, hash);
    else if (outdated.length > 0 && live.length > desired) {
      if (live.every((m) => nodeReady(nodeOf(m)))) api.delete(CAPI, "Machine", namespace, outdated[0]?.metadata.name ?? "");
      else wait = true;
    } else if (live.length > desired) api.delete(CAPI, "Machine", namespace, (outdated[0] ?? live[0])?.metadata.name ?? "");

    writeStatus(tcp, live, nodeOf, initialized, hash, clusterName);
    if (wait || live.length !== desired || outdated.length > 0 || live.some((m) => !nodeReady(nodeOf(m)))) return poll();
  }

  function owningCluster(tcp: KubeObject): KubeObject | undefined {
    const ns = tcp.metadata.namespace;
    const ref = (tcp.metadata.ownerReferences ?? []).find((r) => r.kind === "Cluster");
    const byLabel = ref?.name ?? tcp.metadata.labels?.[CLUSTER_NAME_LABEL];
    if (byLabel) return api.get(CAPI, "Cluster", ns, byLabel);
    return api.list(CAPI, "Cluster", ns).find((c) => asObj(specOf(c).controlPlaneRef).name === tcp.metadata.name);
  }

  function createMachine(tcp: KubeObject, clusterName: string, hash: string): void {
    const ns = tcp.metadata.namespace ?? "default";
    const spec = specOf(tcp);
    const tmplRef = asObj(spec.infrastructureTemplate);
    const tmplName = str(tmplRef.name) ?? "";
    const tmpl = api.get(INFRA, "HCloudMachineTemplate", ns, tmplName);
    if (!tmpl) throw new Error(`TalosControlPlane ${ns}/${tcp.metadata.name ?? ""}: HCloudMachineTemplate ${tmplName} not found`);
    let name = "";
    do name = `${tcp.metadata.name ?? ""}-${Array.from({ length: 5 }, () => NAME_CHARS[randomInt(NAME_CHARS.length)]).join("")}`;
    while (api.get(CAPI, "Machine", ns, name));
    const labels = { [CLUSTER_NAME_LABEL]: clusterName, [CONTROL_PLANE_LABEL]: "", [CONTROL_PLANE_NAME_LABEL]: tcp.metadata.name ?? "" };
    const machine = api.create(
      {
        apiVersion: CAPI,
        kind: "Machine",
        metadata: { name, namespace: ns, labels, annotations: { [SPEC_HASH]: hash, [CREATED_MS]: String(Date.now()) }, ownerReferences: [controllerRef(tcp)] },
        spec: {
          clusterName,
          version: str(spec.version),
          bootstrap: { configRef: { apiVersion: BOOTSTRAP, kind: "TalosConfig", name, namespace: ns } },
          infrastructureRef: { apiVersion: INFRA, kind: "HCloudMachine", name, namespace: ns },
        },
      },
      CACPPT_MANAGER,
    );
    const owner = [controllerRef(machine)];
    const cp = asObj(asObj(spec.controlPlaneConfig).controlplane);
    api.create({ apiVersion: BOOTSTRAP, kind: "TalosConfig", metadata: { name, namespace: ns, labels, ownerReferences: owner }, spec: clean({ generateType: "controlplane", ...cp }) }, CACPPT_MANAGER);
    const clonedFrom = { "cluster.x-k8s.io/cloned-from-name": tmplName, "cluster.x-k8s.io/cloned-from-groupkind": "HCloudMachineTemplate.infrastructure.cluster.x-k8s.io" };
    api.create({ apiVersion: INFRA, kind: "HCloudMachine", metadata: { name, namespace: ns, labels, annotations: clonedFrom, ownerReferences: owner }, spec: asObj(asObj(specOf(tmpl).template).spec) }, CACPPT_MANAGER);
    ctx.log(`TalosControlPlane ${ns}/${tcp.metadata.name ?? ""}: created machine ${name}`);
  }

  function writeStatus(tcp: KubeObject, live: KubeObject[], nodeOf: (m: KubeObject) => KubeObject | undefined, initialized: boolean, hash: string, clusterName: string): void {
    const ready = live.filter((m) => nodeReady(nodeOf(m))).length;
    const desired = num(specOf(tcp).replicas, 1);
    const updated = live.filter((m) => m.metadata.annotations?.[SPEC_HASH] === hash).length;
    const conds: Cond[] = [
      initialized ? ok("Available") : notOk("Available", "WaitingForKubeadmInit", "Info", "control plane is not initialized yet"),
      live.length > 0 && live.every((m) => infraReady(api, m)) ? ok("MachinesBootstrapped") : notOk("MachinesBootstrapped", "WaitingForMachines", "Info", "waiting for the machines to boot"),
      ready === live.length && live.length > 0 ? ok("MachinesReady") : notOk("MachinesReady", "NodesNotReady", "Info", `${live.length - ready} of ${live.length} nodes not ready`),
      ready > 0 ? ok("ControlPlaneComponentsHealthy") : notOk("ControlPlaneComponentsHealthy", "ControlPlaneComponentsInspectionFailed", "Info", "no control plane node is ready"),
      ready > 0 ? ok("EtcdClusterHealthy") : notOk("EtcdClusterHealthy", "EtcdClusterInspectionFailed", "Info", "no etcd member is ready"),
      updated === live.length && live.length === desired ? ok("ResizedOrRolled") : notOk("ResizedOrRolled", "RollingUpdateInProgress", "Warning", `${updated} of ${desired} machines up to date`),
    ];
    const status: Obj = {
      ...statusOf(tcp),
      replicas: live.length,
      readyReplicas: ready,
      unavailableReplicas: live.length - ready,
      version: str(specOf(tcp).version),
      selector: `${CLUSTER_NAME_LABEL}=${clusterName},${CONTROL_PLANE_LABEL}`,
      initialized,
      bootstrapped: initialized,
      ready: ready > 0,
      observedGeneration: tcp.metadata.generation,
      conditions: withConditions(statusOf(tcp).conditions, conds),
    };
    const next = clean(status);
    if (JSON.stringify(stripTimes(next)) === JSON.stringify(stripTimes(clean(statusOf(tcp))))) return;
    api.update({ ...tcp, status: next }, CACPPT_MANAGER, { subresource: "status" });
  }

  const tcpsOf = (obj: KubeObject) => api.list(CONTROLPLANE, "TalosControlPlane", obj.metadata.namespace).map((t) => `${t.metadata.namespace ?? ""}/${t.metadata.name ?? ""}`);
  return {
    name: "cacppt/taloscontrolplane",
    primary: { apiVersion: CONTROLPLANE, kind: "TalosControlPlane" },
    watches: [
      self(CONTROLPLANE, "TalosControlPlane"),
      mapped(CAPI, "Machine", (m) => {
        const n = m.metadata.labels?.[CONTROL_PLANE_NAME_LABEL];
        return n ? [`${m.metadata.namespace ?? ""}/${n}`] : [];
      }),
      mapped(INFRA, "HCloudMachine", tcpsOf),
      mapped(CAPI, "Cluster", tcpsOf),
    ],
    reconcile,
  };
}

/** What a rollout compares: version, infrastructure template and machine config. */
function specHash(spec: Obj): string {
  const what = { version: spec.version, template: asObj(spec.infrastructureTemplate).name, config: spec.controlPlaneConfig };
  return createHash("sha256").update(JSON.stringify(what)).digest("hex").slice(0, 16);
}

function oldestFirst(a: KubeObject, b: KubeObject): number {
  const ms = (m: KubeObject) => Number(m.metadata.annotations?.[CREATED_MS] ?? Date.parse(m.metadata.creationTimestamp ?? "") ?? 0);
  return ms(a) - ms(b) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");
}

function stripTimes(status: Obj): unknown {
  return { ...status, conditions: (Array.isArray(status.conditions) ? status.conditions : []).map((c: Obj) => ({ ...c, lastTransitionTime: undefined })) };
}
