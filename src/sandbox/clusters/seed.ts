// What a new cluster holds before anyone talks to it, as kind v0.29 leaves it: its Nodes (Ready,
// labelled and tainted as kubeadm and kind make them), the namespaces kubeadm and kind's
// local-path provisioner create, and the default StorageClass `standard`.
import type { ClusterApi, KubeObject } from "../kube/types.js";
import type { ClusterNode, ClusterRecord } from "./types.js";

const MANAGER = "kubeadm";
const NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "local-path-storage"];

/** kind removes the control-plane taint when there are no workers, so a lone node takes pods. */
function nodeObject(rec: ClusterRecord, node: ClusterNode, index: number): { obj: KubeObject; status: Record<string, unknown> } {
  const controlPlane = node.role === "control-plane";
  const hasWorkers = rec.nodes.some((n) => n.role === "worker");
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": node.name,
    "kubernetes.io/os": "linux",
  };
  if (controlPlane) {
    labels["node-role.kubernetes.io/control-plane"] = "";
    labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
  }
  const spec: Record<string, unknown> = { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], providerID: `kind://docker/${rec.name}/${node.name}` };
  if (controlPlane && hasWorkers) spec.taints = [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }];
  const now = rec.createdAt;
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const status = {
    capacity: { cpu: "2", "ephemeral-storage": "61202244Ki", "hugepages-2Mi": "0", memory: "8113900Ki", pods: "110" },
    allocatable: { cpu: "2", "ephemeral-storage": "61202244Ki", "hugepages-2Mi": "0", memory: "8113900Ki", pods: "110" },
    conditions: [
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ],
    addresses: [
      { type: "InternalIP", address: `172.18.0.${index + 2}` },
      { type: "Hostname", address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: `${rec.name}${index}`.padEnd(32, "0").slice(0, 32),
      systemUUID: `${rec.name}-${node.name}`,
      bootID: `${rec.createdAt}-${index}`,
      kernelVersion: "6.1.0-37-amd64",
      osImage: "Debian GNU/Linux 12 (bookworm)",
      containerRuntimeVersion: "containerd://2.1.1",
      kubeletVersion: rec.serverVersion,
      kubeProxyVersion: rec.serverVersion,
      operatingSystem: "linux",
      architecture: "amd64",
    },
  };
  return { obj: { apiVersion: "v1", kind: "Node", metadata: { name: node.name, labels, annotations: { "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true" } }, spec }, status };
}

function storageClass(): KubeObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "rancher.io/local-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  };
}

/** Writes the starting objects through the server's own path (idempotent: a restart may repeat it). */
export function seedCluster(api: ClusterApi, rec: ClusterRecord): void {
  for (const name of NAMESPACES) {
    if (!api.get("v1", "Namespace", undefined, name)) api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } }, MANAGER);
  }
  rec.nodes.forEach((node, i) => {
    const { obj, status } = nodeObject(rec, node, i);
    api.apply(obj, MANAGER, { force: true });
    api.apply({ apiVersion: "v1", kind: "Node", metadata: { name: node.name }, status }, "kubelet", { force: true, subresource: "status" });
  });
  if (rec.kind === "kind") api.apply(storageClass(), "kubectl-client-side-apply", { force: true });
}
