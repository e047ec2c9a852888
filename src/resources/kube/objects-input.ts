// The inputs of kube_objects, checked at plan time: each object has apiVersion, kind and
// metadata.name, a namespace where its kind is namespaced (known built-ins, and kinds whose CRD is
// in the same set), no object twice. Secret `data`/`stringData` move out of the objects into
// `secretData` (one sensitive input path: the engine's sensitive paths have no wildcards), as
// base64 `data`, the form the server reads back.
import { z } from "zod";
import type { JsonObject } from "../../engine/values.js";
import { jsonInputs } from "../hcloud/json-schema.js";

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Built-in kinds that live outside namespaces (the rest of the built-ins hk knows live in one). */
const CLUSTER_SCOPED = new Set([
  "Namespace", "Node", "PersistentVolume", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "StorageClass",
  "CSIDriver", "CSINode", "VolumeAttachment", "PriorityClass", "RuntimeClass", "IngressClass", "APIService",
  "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
  "CertificateSigningRequest", "ComponentStatus",
]);
const NAMESPACED = new Set([
  "ConfigMap", "Secret", "Service", "ServiceAccount", "Pod", "Endpoints", "Event", "PersistentVolumeClaim", "LimitRange", "ResourceQuota",
  "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob", "Role", "RoleBinding", "Ingress", "NetworkPolicy",
  "PodDisruptionBudget", "Lease", "HorizontalPodAutoscaler", "EndpointSlice",
]);

const metadata = z.looseObject({
  name: z.string().min(1).max(253).regex(DNS_NAME, "must be a lowercase DNS name (a-z, 0-9, '-', '.')"),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a lowercase DNS label").max(63).exactOptional(),
  labels: z.record(z.string(), z.string()).exactOptional(),
  annotations: z.record(z.string(), z.string()).exactOptional(),
});

export const objectInput = z.looseObject({
  apiVersion: z.string().regex(/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/, "must be VERSION or GROUP/VERSION, e.g. v1 or apps/v1"),
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be a kind such as Deployment"),
  metadata,
});
export type ObjectInput = z.output<typeof objectInput>;

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** Identity of an object within a set: group, kind, namespace, name (the version may change). */
export function objectKey(o: { apiVersion: string; kind: string; metadata: { name?: string | undefined; namespace?: string | undefined } }): string {
  return `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}

/** The Secret's key in secretData: `namespace/name`. */
export function secretKey(o: { metadata: { name?: string; namespace?: string | undefined } }): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}

export const isSecret = (o: { apiVersion: string; kind: string }): boolean => o.apiVersion === "v1" && o.kind === "Secret";
export const isCrd = (o: { apiVersion: string; kind: string }): boolean => groupOf(o.apiVersion) === "apiextensions.k8s.io" && o.kind === "CustomResourceDefinition";
export const isNamespace = (o: { apiVersion: string; kind: string }): boolean => o.apiVersion === "v1" && o.kind === "Namespace";

/** Scopes of kinds declared by CRDs in the set: `group/Kind` → namespaced. */
function crdScopes(objects: readonly ObjectInput[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const o of objects.filter(isCrd)) {
    const spec = o.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) out.set(`${spec.group}/${spec.names.kind}`, spec.scope !== "Cluster");
  }
  return out;
}

/** Whether a kind is namespaced, when hk knows without asking the cluster. */
export function knownScope(o: ObjectInput, crds: ReadonlyMap<string, boolean>): boolean | undefined {
  const fromCrd = crds.get(`${groupOf(o.apiVersion)}/${o.kind}`);
  if (fromCrd !== undefined) return fromCrd;
  if (CLUSTER_SCOPED.has(o.kind)) return false;
  if (NAMESPACED.has(o.kind)) return true;
  return undefined;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const inputsSchema = jsonInputs(
  z
    .object({
      /** Path of the kubeconfig file of the cluster. */
      kubeconfig: z.string().min(1),
      /** Context in it; default: its current-context. */
      context: z.string().min(1).exactOptional(),
      objects: z.array(objectInput).max(5_000),
      /** Secret data by `namespace/name`, base64: filled from the Secrets' data/stringData. */
      secretData: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    })
    .superRefine((v, ctx) => {
      const crds = crdScopes(v.objects);
      const seen = new Map<string, number>();
      v.objects.forEach((o, i) => {
        const where = (...p: (string | number)[]) => ["objects", i, ...p];
        const scope = knownScope(o, crds);
        if (scope === true && o.metadata.namespace === undefined) ctx.addIssue({ code: "custom", path: where("metadata", "namespace"), message: `${o.kind} ${o.metadata.name} is namespaced: set metadata.namespace` });
        if (scope === false && o.metadata.namespace !== undefined) ctx.addIssue({ code: "custom", path: where("metadata", "namespace"), message: `${o.kind} ${o.metadata.name} is cluster-scoped: remove metadata.namespace` });
        for (const k of Object.keys(o.metadata.labels ?? {})) if (k.startsWith("hk/")) ctx.addIssue({ code: "custom", path: where("metadata", "labels", k), message: "label keys under hk/ are hk's own" });
        if (["status", "metadata.resourceVersion", "metadata.uid", "metadata.managedFields"].some((p) => p.split(".").reduce<unknown>((a, k) => (a as Record<string, unknown> | undefined)?.[k], o) !== undefined)) {
          ctx.addIssue({ code: "custom", path: where(), message: `${o.kind} ${o.metadata.name}: status, resourceVersion, uid and managedFields are the server's, not declared` });
        }
        const key = objectKey(o);
        const first = seen.get(key);
        if (first !== undefined) ctx.addIssue({ code: "custom", path: where(), message: `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name} is declared twice (also objects.${first})` });
        seen.set(key, i);
      });
    })
    .transform((v) => {
      const secretData = { ...v.secretData };
      const objects = v.objects.map((o) => {
        if (!isSecret(o) || (o.data === undefined && o.stringData === undefined)) return o;
        const { data, stringData, ...rest } = o as ObjectInput & { data?: Record<string, string>; stringData?: Record<string, string> };
        const merged: Record<string, string> = { ...(data ?? {}) };
        for (const [k, s] of Object.entries(stringData ?? {})) merged[k] = b64(s);
        secretData[secretKey(o)] = merged;
        return rest as ObjectInput;
      });
      return { ...v, objects, secretData };
    }),
);
export type KubeObjectsInputs = z.output<typeof inputsSchema> & JsonObject;
/** The schema typed as the engine holds inputs (JSON); objects pass through as declared. */
export const kubeObjectsInputs = inputsSchema as unknown as z.ZodType<KubeObjectsInputs>;

export const kubeObjectsOutputs = z.object({
  /** Selects every object of the set: `hk/stack==S,hk/address==A`. */
  labelSelector: z.string(),
  /** What was applied, to refresh and prune by kind even after the config changed. */
  /** The ownership labels on every object (kept as they were made, lineage included). */
  labels: z.record(z.string(), z.string()),
  applied: z.array(z.object({ apiVersion: z.string(), kind: z.string(), namespace: z.string().exactOptional(), name: z.string() })),
});
export type KubeObjectsOutputs = z.output<typeof kubeObjectsOutputs>;
