// The node side of Talos, run with CABPT: a Machine (control plane or worker) whose server is up
// and whose bootstrap data exists boots, and after nodeJoin its kubelet registers the Node in the
// workload cluster, with the machine config's nodeLabels and nodeTaints, tainted for the external
// cloud provider and NotReady until the CNI runs (DaemonSet kube-system/cilium there), Ready
// cniReady after that. The workload cluster is another API than the one this runs in, so the
// wait for the CNI is polled, not watched.
import { parse } from "yaml";
import { str } from "../../kube/controllers/meta.js";
import type { ClusterApi, KubeObject } from "../../kube/types.js";
import { leaveAlone, specOf } from "../caph/objects.js";
import { mapped, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { addressesOf, CAPI, dataSecretNameOf, INFRA, infraOf, infraReady, isControlPlane, nodeNameOf, nodeReady } from "./objects.js";

const KUBELET = "kubelet";
const NOT_READY_MSG = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

interface MachineConfig {
  machine?: { nodeLabels?: Record<string, string>; nodeTaints?: Record<string, string> };
  cluster?: { allowSchedulingOnControlPlanes?: boolean };
}

/** machine.nodeTaints as Talos applies them: `key: value:Effect`, or `key: Effect` for a taint without a value. */
function nodeTaints(config: MachineConfig | null): { key: string; value?: string; effect: string }[] {
  return Object.entries(config?.machine?.nodeTaints ?? {}).map(([key, v]) => {
    const i = String(v).lastIndexOf(":");
    return i < 0 ? { key, effect: String(v) } : { key, value: String(v).slice(0, i), effect: String(v).slice(i + 1) };
  });
}

export function talosBootController(ctx: ProviderContext): AsyncController {
  const { api, timing } = ctx;
  const joinAt = new Map<string, number>();
  const cniAt = new Map<string, number>();
  const poll = () => ({ requeueAfterMs: Math.max(timing.ms("cniReady"), 50) });

  async function reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const machine = api.get(CAPI, "Machine", namespace, name);
    if (!machine || machine.metadata.deletionTimestamp || leaveAlone(api, machine)) return;
    const secretName = dataSecretNameOf(api, machine);
    if (!infraReady(api, machine) || !secretName || !api.get("v1", "Secret", namespace, secretName)) return;
    const clusterName = str(specOf(machine).clusterName) ?? "";
    const workload = clusterName === ctx.cluster ? api : ctx.clusters.api(clusterName);
    if (!workload) return poll(); // CACPPT makes it once the first control plane's server runs
    const nodeName = nodeNameOf(machine);
    let node = workload.get("v1", "Node", undefined, nodeName);
    if (!node) {
      const at = joinAt.get(key) ?? Date.now() + timing.ms("nodeJoin");
      joinAt.set(key, at);
      if (Date.now() < at) return { requeueAfterMs: at - Date.now() };
      node = register(workload, machine, nodeName);
      joinAt.delete(key);
    }
    if (nodeReady(node)) return;
    if (!workload.get("apps/v1", "DaemonSet", "kube-system", "cilium")) return poll();
    const at = cniAt.get(key) ?? Date.now() + timing.ms("cniReady");
    cniAt.set(key, at);
    if (Date.now() < at) return { requeueAfterMs: at - Date.now() };
    cniAt.delete(key);
    setReady(workload, node, true);
  }

  function register(workload: ClusterApi, machine: KubeObject, nodeName: string): KubeObject {
    const hm = infraOf(api, machine);
    const config = machineConfigOf(machine);
    const type = str(hm && specOf(hm).type) ?? "";
    const labels: Record<string, string> = {
      "beta.kubernetes.io/arch": type.startsWith("cax") ? "arm64" : "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": type.startsWith("cax") ? "arm64" : "amd64",
      "kubernetes.io/hostname": nodeName,
      "kubernetes.io/os": "linux",
      ...(isControlPlane(machine) ? { "node-role.kubernetes.io/control-plane": "" } : {}),
      ...config?.machine?.nodeLabels,
    };
    const taints = [...controlPlaneTaint(machine, config), ...nodeTaints(config), { key: "node.cloudprovider.kubernetes.io/uninitialized", value: "true", effect: "NoSchedule" }];
    const created = workload.create({ apiVersion: "v1", kind: "Node", metadata: { name: nodeName, labels }, spec: { taints } }, KUBELET);
    const internal = addressesOf(hm).find((a) => a.type === "InternalIP");
    const version = str(specOf(machine).version) ?? "";
    const withInfo = {
      ...created,
      status: {
        addresses: [...(internal ? [internal] : []), { type: "Hostname", address: nodeName }],
        nodeInfo: { kubeletVersion: version, kubeProxyVersion: version, osImage: "Talos (v1.10.6)", operatingSystem: "linux", architecture: labels["kubernetes.io/arch"], containerRuntimeVersion: "containerd://2.0.5", kernelVersion: "6.12.40-talos", machineID: "", systemUUID: "", bootID: "" },
        capacity: { cpu: "4", memory: "7901Mi", pods: "110", "ephemeral-storage": "75Gi" },
        allocatable: { cpu: "3950m", memory: "7392Mi", pods: "110", "ephemeral-storage": "70Gi" },
      },
    };
    return setReady(workload, withInfo, false);
  }

  /** The machine config CABPT wrote (its strategic patches merged in), as Talos reads it from user data. */
  function machineConfigOf(machine: KubeObject): MachineConfig | null {
    const secret = api.get("v1", "Secret", machine.metadata.namespace, dataSecretNameOf(api, machine) ?? "");
    const text = Buffer.from(String((secret?.data as Record<string, string> | undefined)?.value ?? ""), "base64").toString("utf8");
    return parse(text) as MachineConfig | null;
  }

  // Talos taints control planes unless the machine config has cluster.allowSchedulingOnControlPlanes (hk's patches set it).
  function controlPlaneTaint(machine: KubeObject, config: MachineConfig | null): { key: string; effect: string }[] {
    if (!isControlPlane(machine)) return [];
    return config?.cluster?.allowSchedulingOnControlPlanes === true ? [] : [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }];
  }

  function setReady(workload: ClusterApi, node: KubeObject, ready: boolean): KubeObject {
    const t = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const cond = ready
      ? { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: t, lastTransitionTime: t }
      : { type: "Ready", status: "False", reason: "KubeletNotReady", message: NOT_READY_MSG, lastHeartbeatTime: t, lastTransitionTime: t };
    const status = (node.status ?? {}) as Record<string, unknown>;
    return workload.update({ ...node, status: { ...status, conditions: [cond] } }, KUBELET, { subresource: "status" });
  }

  const machinesOf = (obj: KubeObject) => api.list(CAPI, "Machine", obj.metadata.namespace).map((m) => `${m.metadata.namespace ?? ""}/${m.metadata.name ?? ""}`);
  return {
    name: "talos/boot",
    primary: { apiVersion: CAPI, kind: "Machine" },
    watches: [self(CAPI, "Machine"), mapped(INFRA, "HCloudMachine", machinesOf), mapped("v1", "Secret", machinesOf), mapped("bootstrap.cluster.x-k8s.io/v1alpha3", "TalosConfig", machinesOf)],
    reconcile,
  };
}
