// The `kubectl get` columns of built-in kinds, as the real apiserver's Table answers them
// (k8s.io/kubernetes pkg/printers/internalversion): the core group and workloads in their own
// files, the cluster-level kinds here. A built-in kind with no printer (Role, ClusterRole,
// CustomResourceDefinition, LimitRange...) gets the apiserver's default: NAME and CREATED AT.
import { CORE_TABLES } from "./builtin-tables-core.js";
import { AGE, arr, col, CREATED_AT_TABLE, created, formatSelector, n, NAME, name, o, s } from "./builtin-tables-format.js";
import { WORKLOAD_TABLES } from "./builtin-tables-workloads.js";
import type { ColumnDefinition, KubeObject, TableSpec } from "./types.js";

function table(columns: ColumnDefinition[], cells: (obj: KubeObject) => unknown[], wide: ColumnDefinition[] = [], wideCells: (obj: KubeObject) => unknown[] = () => []): TableSpec {
  return { columns: [NAME, ...columns, AGE, ...wide], cells: (obj, now) => [name(obj), ...cells(obj), created(obj, now), ...wideCells(obj)] };
}

function subjects(binding: KubeObject): [string, string, string] {
  const list = arr(binding.subjects);
  const of = (kind: string) => list.filter((x) => x.kind === kind);
  return [of("User").map((x) => s(x.name)).join(", "), of("Group").map((x) => s(x.name)).join(", "), of("ServiceAccount").map((x) => (s(x.namespace) ? `${s(x.namespace)}/${s(x.name)}` : s(x.name))).join(", ")];
}

const bindingTable = (what: string) =>
  table(
    [col("Role", "string", "RoleRef can only reference a ClusterRole in the global namespace.")],
    (b) => [`${s(o(b.roleRef).kind)}/${s(o(b.roleRef).name)}`],
    [col("Users", "string", `Users in the ${what}`, true), col("Groups", "string", `Groups in the ${what}`, true), col("ServiceAccounts", "string", `ServiceAccounts in the ${what}`, true)],
    subjects,
  );

const storageClasses: TableSpec = {
  columns: [
    NAME,
    col("Provisioner", "string", "provisioner indicates the type of the provisioner."),
    col("ReclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
    col("VolumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
    col("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
    AGE,
  ],
  cells: (sc, now) => {
    const ann = sc.metadata.annotations ?? {};
    const isDefault = ann["storageclass.kubernetes.io/is-default-class"] === "true" || ann["storageclass.beta.kubernetes.io/is-default-class"] === "true";
    return [`${name(sc)}${isDefault ? " (default)" : ""}`, s(sc.provisioner), s(sc.reclaimPolicy) || "Delete", s(sc.volumeBindingMode) || "Immediate", sc.allowVolumeExpansion === true, created(sc, now)];
  },
};

function ingressHosts(rules: Record<string, unknown>[]): string {
  const hosts = rules.map((r) => s(r.host)).filter(Boolean);
  if (hosts.length === 0) return "*";
  return rules.length > 3 && hosts.length >= 3 ? `${hosts.slice(0, 3).join(",")} + ${rules.length - 3} more...` : hosts.slice(0, 3).join(",");
}

const ingresses = table(
  [
    col("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
    col("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    col("Ports", "string", "Ports of TLS configurations that open"),
  ],
  (ing) => {
    const spec = o(ing.spec);
    const lb = [...new Set(arr(o(o(ing.status).loadBalancer).ingress).map((i) => s(i.ip) || s(i.hostname)).filter(Boolean))].sort();
    return [s(spec.ingressClassName) || "<none>", ingressHosts(arr(spec.rules)), lb.join(","), arr(spec.tls).length > 0 ? "80, 443" : "80"];
  },
);

const intOrString = (v: unknown) => (v === undefined || v === null ? "N/A" : String(v));

function hpaTargets(hpa: KubeObject): string {
  const metrics = arr(o(hpa.spec).metrics);
  if (metrics.length === 0) return "<none>";
  const current = arr(o(hpa.status).currentMetrics);
  const parts = metrics.map((m, i) => {
    if (m.type !== "Resource") return "<unknown type>";
    const r = o(m.resource);
    const target = o(r.target);
    const cur = o(o(current[i]).resource).current;
    if (target.averageValue !== undefined) return `${s(r.name)}: ${s(o(cur).averageValue, "<unknown>")}/${String(target.averageValue)}`;
    const util = o(cur).averageUtilization;
    return `${s(r.name)}: ${typeof util === "number" ? `${util}%` : "<unknown>"}/${typeof target.averageUtilization === "number" ? `${target.averageUtilization}%` : "<auto>"}`;
  });
  return parts.length > 2 ? `${parts.slice(0, 2).join(", ")} + ${parts.length - 2} more...` : parts.join(", ");
}

function listMore(items: string[]): string {
  if (items.length === 0) return "<unset>";
  return items.length > 3 ? `${items.slice(0, 3).join(",")} + ${items.length - 3} more...` : items.join(",");
}

const OTHER_TABLES: Record<string, TableSpec> = {
  "rbac.authorization.k8s.io/RoleBinding": bindingTable("roleBinding"),
  "rbac.authorization.k8s.io/ClusterRoleBinding": bindingTable("clusterRoleBinding"),
  "storage.k8s.io/StorageClass": storageClasses,
  "storage.k8s.io/CSIDriver": {
    columns: [NAME, col("AttachRequired", "boolean", "attachRequired"), col("PodInfoOnMount", "boolean", "podInfoOnMount"), col("StorageCapacity", "boolean", "storageCapacity"), col("TokenRequests", "string", "tokenRequests"), col("RequiresRepublish", "boolean", "requiresRepublish"), col("Modes", "string", "volumeLifecycleModes"), AGE],
    cells: (d, now) => {
      const spec = o(d.spec);
      const modes = Array.isArray(spec.volumeLifecycleModes) ? spec.volumeLifecycleModes.map(String).join(",") : "";
      const tokens = Array.isArray(spec.tokenRequests) ? arr(spec.tokenRequests).map((t) => s(t.audience)).join(",") : "<unset>";
      return [name(d), spec.attachRequired !== false, spec.podInfoOnMount === true, spec.storageCapacity === true, tokens, spec.requiresRepublish === true, modes || "<none>", created(d, now)];
    },
  },
  "networking.k8s.io/Ingress": ingresses,
  "networking.k8s.io/IngressClass": table([col("Controller", "string", "Controller that is responsible for handling this class"), col("Parameters", "string", "A reference to a resource with additional parameters")], (ic) => {
    const p = o(o(ic.spec).parameters);
    return [s(o(ic.spec).controller), p.kind ? `${s(p.kind)}${p.apiGroup ? `.${s(p.apiGroup)}` : ""}/${s(p.name)}` : "<none>"];
  }),
  "networking.k8s.io/NetworkPolicy": table([col("Pod-Selector", "string", "Selects the pods to which this NetworkPolicy object applies.")], (np) => [formatSelector(o(np.spec).podSelector)]),
  "coordination.k8s.io/Lease": table([col("Holder", "string", "holderIdentity contains the identity of the holder of a current lease.")], (l) => [s(o(l.spec).holderIdentity)]),
  "policy/PodDisruptionBudget": table(
    [col("Min Available", "string", "The minimum number of pods that must be available."), col("Max Unavailable", "string", "The maximum number of pods that may be unavailable."), col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time.")],
    (pdb) => [intOrString(o(pdb.spec).minAvailable), intOrString(o(pdb.spec).maxUnavailable), n(o(pdb.status).disruptionsAllowed)],
  ),
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration": table([col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration")], (w) => [arr(w.webhooks).length]),
  "admissionregistration.k8s.io/MutatingWebhookConfiguration": table([col("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration")], (w) => [arr(w.webhooks).length]),
  "scheduling.k8s.io/PriorityClass": {
    columns: [NAME, col("Value", "integer", "value represents the integer value of this priority class."), col("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."), AGE, col("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority.")],
    cells: (pc, now) => [name(pc), n(pc.value), pc.globalDefault === true, created(pc, now), s(pc.preemptionPolicy)],
  },
  "discovery.k8s.io/EndpointSlice": table(
    [col("AddressType", "string", "addressType specifies the type of address carried by this EndpointSlice."), col("Ports", "string", "ports specifies the list of network ports exposed by each endpoint in this slice."), col("Endpoints", "string", "endpoints is a list of unique endpoints in this slice.")],
    (es) => [s(es.addressType), listMore(arr(es.ports).map((p) => (typeof p.port === "number" ? String(p.port) : s(p.name) || "*"))), listMore(arr(es.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.map(String) : [])))],
  ),
  "autoscaling/HorizontalPodAutoscaler": table(
    [col("Reference", "string", "scaleTargetRef points to the target resource to scale."), col("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count."), col("MinPods", "string", "minReplicas is the lower limit for the number of replicas."), col("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas."), col("Replicas", "string", "currentReplicas is current number of replicas of pods managed by this autoscaler.")],
    (h) => {
      const spec = o(h.spec);
      const ref = o(spec.scaleTargetRef);
      return [`${s(ref.kind)}/${s(ref.name)}`, hpaTargets(h), typeof spec.minReplicas === "number" ? String(spec.minReplicas) : "<unset>", n(spec.maxReplicas), n(o(h.status).currentReplicas)];
    },
  ),
  "/ResourceQuota": table([col("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."), col("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.")], (q) => {
    const hard = o(o(q.status).hard);
    const used = o(o(q.status).used);
    const keys = Object.keys(hard).sort();
    const fmt = (k: string) => `${k}: ${String(used[k] ?? "0")}/${String(hard[k])}`;
    return [keys.filter((k) => !k.startsWith("limits.")).map(fmt).join(", "), keys.filter((k) => k.startsWith("limits.")).map(fmt).join(", ")];
  }),
};

/** The Table of a built-in kind (`pods`, `nodes`, `deployments.apps`, ...); kinds with no printer: NAME and CREATED AT. */
export function builtinTable(group: string, kind: string): TableSpec | undefined {
  if (group === "" && CORE_TABLES[kind]) return CORE_TABLES[kind];
  if (group === "events.k8s.io" && kind === "Event") return CORE_TABLES.Event;
  return WORKLOAD_TABLES[`${group}/${kind}`] ?? OTHER_TABLES[`${group}/${kind}`] ?? CREATED_AT_TABLE;
}
