// Tables of the core group as the apiserver's printers answer them (Pods in their own file):
// Nodes (STATUS from the Ready condition, ROLES from node-role labels), Services (CLUSTER-IP,
// EXTERNAL-IP, PORT(S)), Endpoints, Events, volumes and the rest.
import { POD_TABLE } from "./builtin-tables-pods.js";
import { accessModes, AGE, ageOf, arr, col, created, formatLabels, n, NAME, name, o, type Obj, s } from "./builtin-tables-format.js";
import type { KubeObject, TableSpec } from "./types.js";

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/") && k.length > "node-role.kubernetes.io/".length) roles.add(k.slice("node-role.kubernetes.io/".length));
    else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return roles.size === 0 ? "<none>" : [...roles].sort().join(",");
}

const nodes: TableSpec = {
  columns: [
    NAME,
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    AGE,
    col("Version", "string", "Kubelet Version reported by the node."),
    col("Internal-IP", "string", "List of addresses reachable to the node.", true),
    col("External-IP", "string", "List of addresses reachable to the node.", true),
    col("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", true),
    col("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", true),
    col("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", true),
  ],
  cells: (node, now) => {
    const status = o(node.status);
    const ready = arr(status.conditions).find((c) => c.type === "Ready");
    const states = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown", ...(o(node.spec).unschedulable === true ? ["SchedulingDisabled"] : [])];
    const info = o(status.nodeInfo);
    const addr = (type: string) => s(arr(status.addresses).find((a) => a.type === type)?.address) || "<none>";
    return [name(node), states.join(","), nodeRoles(node), created(node, now), s(info.kubeletVersion), addr("InternalIP"), addr("ExternalIP"), s(info.osImage) || "<unknown>", s(info.kernelVersion) || "<unknown>", s(info.containerRuntimeVersion) || "<unknown>"];
  },
};

function externalIP(spec: Obj, status: Obj): string {
  const external = Array.isArray(spec.externalIPs) ? spec.externalIPs.map(String) : [];
  switch (s(spec.type, "ClusterIP")) {
    case "ClusterIP":
    case "NodePort":
      return external.length > 0 ? external.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = [...new Set(arr(o(status.loadBalancer).ingress).map((i) => s(i.ip) || s(i.hostname)).filter(Boolean))].sort();
      const all = [...lb, ...external];
      return all.length > 0 ? all.join(",") : "<pending>";
    }
    case "ExternalName":
      return s(spec.externalName);
    default:
      return "<unknown>";
  }
}

const services: TableSpec = {
  columns: [
    NAME,
    col("Type", "string", "type determines how the Service is exposed."),
    col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
    col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
    col("Port(s)", "string", "The list of ports that are exposed by this service."),
    AGE,
    col("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", true),
  ],
  cells: (svc, now) => {
    const spec = o(svc.spec);
    const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs.map(String) : [];
    const ports = arr(spec.ports).map((p) => (n(p.nodePort) > 0 ? `${n(p.port)}:${n(p.nodePort)}/${s(p.protocol, "TCP")}` : `${n(p.port)}/${s(p.protocol, "TCP")}`)).join(",");
    return [name(svc), s(spec.type), ips[0] ?? "<none>", externalIP(spec, o(svc.status)), ports || "<none>", created(svc, now), formatLabels(spec.selector)];
  },
};

function formatEndpoints(ep: KubeObject): string {
  const subsets = arr(ep.subsets);
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = arr(ss.addresses).map((a) => s(a.ip));
    const ports = arr(ss.ports);
    for (const port of ports.length === 0 ? [undefined] : ports) {
      count += addrs.length;
      for (const ip of addrs) if (list.length < 3) list.push(port ? `${ip.includes(":") ? `[${ip}]` : ip}:${n(port.port)}` : ip);
    }
  }
  return count > 3 ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

const endpoints: TableSpec = {
  columns: [NAME, col("Endpoints", "string", "The set of all endpoints is the union of all subsets."), AGE],
  cells: (ep, now) => [name(ep), formatEndpoints(ep), created(ep, now)],
};

/** Core v1 Events and events.k8s.io/v1 Events, which the apiserver prints with one printer. */
const events: TableSpec = {
  columns: [
    col("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
    col("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col("Object", "string", "The object that this event is about."),
    col("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", true),
    col("Source", "string", "The component reporting this event. Should be a short machine understandable string.", true),
    col("Message", "string", "A human-readable description of the status of this operation."),
    col("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", true),
    col("Count", "string", "The number of times this event has occurred.", true),
    { ...NAME, priority: 1 },
  ],
  cells: (ev, now) => {
    const involved = o(ev.involvedObject ?? ev.regarding);
    const source = o(ev.source);
    const first = ev.firstTimestamp ?? ev.deprecatedFirstTimestamp ?? ev.eventTime;
    const firstText = ageOf(first, now);
    const series = o(ev.series);
    const last = series.lastObservedTime ?? ev.lastTimestamp ?? ev.deprecatedLastTimestamp;
    const lastText = last ? ageOf(last, now) : firstText;
    const count = n(series.count) || n(ev.count ?? ev.deprecatedCount) || 1;
    const kind = s(involved.kind).toLowerCase();
    const target = s(involved.name) ? `${kind}/${s(involved.name)}` : kind;
    const component = s(source.component) || s(ev.reportingController);
    const host = s(source.host) || s(ev.reportingInstance);
    return [lastText, s(ev.type), s(ev.reason), target, s(involved.fieldPath), host ? `${component}, ${host}` : component, s(ev.message ?? ev.note).trim(), firstText, count, name(ev)];
  },
};

const volumeModeCell = (spec: Obj) => s(spec.volumeMode) || "<unset>";

const claims: TableSpec = {
  columns: [
    NAME,
    col("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
    col("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    col("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
    col("Access Modes", "string", "accessModes contains the actual access modes the volume backing the PVC has."),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
    AGE,
    col("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.", true),
  ],
  cells: (pvc, now) => {
    const spec = o(pvc.spec);
    const status = o(pvc.status);
    const bound = s(spec.volumeName) !== "";
    const phase = pvc.metadata.deletionTimestamp ? "Terminating" : s(status.phase);
    const sc = s(spec.storageClassName) || (pvc.metadata.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? "");
    return [name(pvc), phase, s(spec.volumeName), bound ? s(o(status.capacity).storage) : "", bound ? accessModes(status.accessModes) : "", sc, s(spec.volumeAttributesClassName) || "<unset>", created(pvc, now), volumeModeCell(spec)];
  },
};

const volumes: TableSpec = {
  columns: [
    NAME,
    col("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
    col("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
    col("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
    col("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
    col("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
    col("StorageClass", "string", "StorageClass of the pv"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    col("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
    AGE,
    col("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", true),
  ],
  cells: (pv, now) => {
    const spec = o(pv.spec);
    const ref = spec.claimRef ? `${s(o(spec.claimRef).namespace)}/${s(o(spec.claimRef).name)}` : "";
    const phase = pv.metadata.deletionTimestamp ? "Terminating" : s(o(pv.status).phase);
    return [name(pv), s(o(spec.capacity).storage), accessModes(spec.accessModes), s(spec.persistentVolumeReclaimPolicy), phase, ref, s(spec.storageClassName), s(spec.volumeAttributesClassName) || "<unset>", s(o(pv.status).reason), created(pv, now), volumeModeCell(spec)];
  },
};

const simple = (columns: TableSpec["columns"], cells: (obj: KubeObject) => unknown[]): TableSpec => ({
  columns: [NAME, ...columns, AGE],
  cells: (obj, now) => [name(obj), ...cells(obj), created(obj, now)],
});

export const CORE_TABLES: Record<string, TableSpec> = {
  Pod: POD_TABLE,
  Node: nodes,
  Service: services,
  Endpoints: endpoints,
  Event: events,
  PersistentVolumeClaim: claims,
  PersistentVolume: volumes,
  Namespace: simple([col("Status", "string", "The status of the namespace")], (ns) => [s(o(ns.status).phase)]),
  ConfigMap: simple([col("Data", "string", "Data contains the configuration data.")], (cm) => [Object.keys(o(cm.data)).length + Object.keys(o(cm.binaryData)).length]),
  Secret: simple([col("Type", "string", "Used to facilitate programmatic handling of secret data."), col("Data", "string", "Data contains the secret data.")], (sec) => [s(sec.type), Object.keys(o(sec.data)).length]),
  ServiceAccount: simple([col("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.")], (sa) => [arr(sa.secrets).length]),
};
