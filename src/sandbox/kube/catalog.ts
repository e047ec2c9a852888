// The built-in kinds the emulated API server serves, as data: the ones real installs touch
// (provider components, Argo CD's install manifest, Helm charts). Tables come from builtinTable.
import type { KindInfo } from "./types.js";

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const NS_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

interface Entry {
  gv: string;
  kind: string;
  plural: string;
  cluster?: true;
  short?: string[];
  all?: true;
  status?: true;
  scale?: true;
  generation?: true;
  /** Virtual kinds that are only ever created (reviews): answered, never stored. */
  createOnly?: true;
}

const ENTRIES: Entry[] = [
  { gv: "v1", kind: "Namespace", plural: "namespaces", cluster: true, short: ["ns"], status: true },
  { gv: "v1", kind: "Node", plural: "nodes", cluster: true, short: ["no"], status: true },
  { gv: "v1", kind: "Pod", plural: "pods", short: ["po"], all: true, status: true },
  { gv: "v1", kind: "Service", plural: "services", short: ["svc"], all: true, status: true },
  { gv: "v1", kind: "Endpoints", plural: "endpoints", short: ["ep"] },
  { gv: "v1", kind: "ConfigMap", plural: "configmaps", short: ["cm"] },
  { gv: "v1", kind: "Secret", plural: "secrets" },
  { gv: "v1", kind: "ServiceAccount", plural: "serviceaccounts", short: ["sa"] },
  { gv: "v1", kind: "Event", plural: "events", short: ["ev"] },
  { gv: "v1", kind: "PersistentVolume", plural: "persistentvolumes", cluster: true, short: ["pv"], status: true },
  { gv: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", short: ["pvc"], status: true },
  { gv: "v1", kind: "LimitRange", plural: "limitranges", short: ["limits"] },
  { gv: "v1", kind: "ResourceQuota", plural: "resourcequotas", short: ["quota"], status: true },
  { gv: "apps/v1", kind: "Deployment", plural: "deployments", short: ["deploy"], all: true, status: true, scale: true, generation: true },
  { gv: "apps/v1", kind: "ReplicaSet", plural: "replicasets", short: ["rs"], all: true, status: true, scale: true, generation: true },
  { gv: "apps/v1", kind: "DaemonSet", plural: "daemonsets", short: ["ds"], all: true, status: true, generation: true },
  { gv: "apps/v1", kind: "StatefulSet", plural: "statefulsets", short: ["sts"], all: true, status: true, scale: true, generation: true },
  { gv: "apps/v1", kind: "ControllerRevision", plural: "controllerrevisions" },
  { gv: "batch/v1", kind: "Job", plural: "jobs", all: true, status: true, generation: true },
  { gv: "batch/v1", kind: "CronJob", plural: "cronjobs", short: ["cj"], all: true, status: true, generation: true },
  { gv: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles" },
  { gv: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings" },
  { gv: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", plural: "clusterroles", cluster: true },
  { gv: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings", cluster: true },
  { gv: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", cluster: true, short: ["crd", "crds"], status: true, generation: true },
  { gv: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", cluster: true, generation: true },
  { gv: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", cluster: true, generation: true },
  { gv: "coordination.k8s.io/v1", kind: "Lease", plural: "leases" },
  { gv: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", short: ["pdb"], status: true, generation: true },
  { gv: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies", short: ["netpol"], generation: true },
  { gv: "networking.k8s.io/v1", kind: "Ingress", plural: "ingresses", short: ["ing"], status: true, generation: true },
  { gv: "networking.k8s.io/v1", kind: "IngressClass", plural: "ingressclasses", cluster: true },
  { gv: "storage.k8s.io/v1", kind: "StorageClass", plural: "storageclasses", cluster: true, short: ["sc"] },
  { gv: "storage.k8s.io/v1", kind: "CSIDriver", plural: "csidrivers", cluster: true },
  { gv: "events.k8s.io/v1", kind: "Event", plural: "events", short: ["ev"] },
  { gv: "discovery.k8s.io/v1", kind: "EndpointSlice", plural: "endpointslices" },
  { gv: "scheduling.k8s.io/v1", kind: "PriorityClass", plural: "priorityclasses", cluster: true, short: ["pc"] },
  { gv: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", cluster: true, createOnly: true },
  { gv: "autoscaling/v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", short: ["hpa"], all: true, status: true, generation: true },
];

/** Kinds whose /scale subresource reads and writes spec.replicas. */
const REPLICAS_SCALE = { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector" };

/** The built-in kinds, one KindInfo per group/version/kind, in discovery order. */
export function builtinKinds(): KindInfo[] {
  return ENTRIES.map((e) => {
    const slash = e.gv.indexOf("/");
    const group = slash < 0 ? "" : e.gv.slice(0, slash);
    const version = slash < 0 ? e.gv : e.gv.slice(slash + 1);
    const info: KindInfo = {
      group,
      version,
      kind: e.kind,
      listKind: `${e.kind}List`,
      plural: e.plural,
      singular: e.kind.toLowerCase(),
      namespaced: e.cluster !== true,
      shortNames: e.short ?? [],
      categories: e.all ? ["all"] : [],
      verbs: e.createOnly ? ["create"] : e.kind === "Namespace" ? NS_VERBS : ALL_VERBS,
      subresources: { status: e.status === true, ...(e.scale ? { scale: REPLICAS_SCALE } : {}) },
      builtin: true,
      hasGeneration: e.generation === true,
    };
    return info;
  });
}
