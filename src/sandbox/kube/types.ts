// The shapes every part of the emulated Kubernetes API server agrees on: objects, the kinds it
// serves (built-in or from a CRD), and the in-process API the simulated built-in controllers use.
// The HTTP server (server.ts and friends), object semantics (semantics/: apply, patches, schemas)
// and controllers (controllers/) meet here and nowhere else.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** The subset of an OpenAPI v3 schema (a CRD's structural openAPIV3Schema) the reference CRDs use. */
export interface JSONSchemaProps {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  nullable?: boolean;
  anyOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  [key: string]: unknown;
}

/** A column of a Table answer (`kubectl get`), as meta.k8s.io/v1 TableColumnDefinition. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** How a kind renders as a Table: columns and the cells of one object (NAME first, as the apiserver does). */
export interface TableSpec {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: Date): unknown[];
}

/** One served group/version/kind: a built-in, or one served version of an established CRD. */
export interface KindInfo {
  group: string; // "" for the core group
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: {
    status: boolean;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  /** true for kinds compiled into the server (strategic merge patch applies to these only). */
  builtin: boolean;
  /** metadata.generation is kept (CRs and built-in workloads; not Namespace, Secret, ConfigMap). */
  hasGeneration: boolean;
  /** CRDs: the served version's structural schema (validation, defaulting, pruning). */
  schema?: JSONSchemaProps;
  /** CRDs: additionalPrinterColumns; built-ins: their own table. Absent: NAME and AGE. */
  table?: TableSpec;
  /** CRDs: the CRD's name (`clusters.cluster.x-k8s.io`), for deleting its objects with it. */
  crd?: string;
}

/** One cause of an Invalid (422) or BadRequest answer, as in Status.details.causes. */
export interface StatusCause {
  reason: string; // FieldValueTypeInvalid | FieldValueRequired | FieldValueNotSupported | FieldValueInvalid | FieldManagerConflict | ...
  message: string;
  field: string;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
}

/**
 * The in-process API of one emulated cluster, for its simulated built-in controllers (the
 * kube-controller-manager's part: Deployments rolling out, Jobs completing). Every write goes
 * through the same path as an HTTP request (validation, managed fields, resourceVersion, watch
 * events). Errors are thrown as the server's Status errors. Controllers of add-ons (Cluster API,
 * Argo CD) do not use this: they talk HTTP through a kubeconfig, as real ones do.
 */
export interface ClusterApi {
  kindFor(apiVersion: string, kind: string): KindInfo | undefined;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): KubeObject[];
  create(obj: KubeObject, manager: string): KubeObject;
  /** Full replace; a set metadata.resourceVersion must match (409 Conflict otherwise). */
  update(obj: KubeObject, manager: string, opts?: { subresource?: "status" }): KubeObject;
  /** Server-side apply of a partial object, as PATCH application/apply-patch+yaml. */
  apply(obj: KubeObject, manager: string, opts?: { force?: boolean; subresource?: "status" }): KubeObject;
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  /** Events of one kind in all namespaces, from now on; returns the unsubscribe function. */
  watch(apiVersion: string, kind: string, listener: (event: WatchEvent) => void): () => void;
}
