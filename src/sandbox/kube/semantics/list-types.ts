// How a list merges, for strategic merge patch and server-side apply: keyed by merge keys, a set
// of scalars, or atomic (replaced whole). Built-in kinds: the patchMergeKey/patchStrategy (and the
// listType/listMapKeys of the same fields) of the core/apps/batch/rbac lists kubectl produces
// patches for. Custom kinds: x-kubernetes-list-type and -list-map-keys of their schema.
import type { JSONSchemaProps } from "../types.js";
import { isObject } from "./field-path.js";

export type ListType = { type: "atomic" } | { type: "set" } | { type: "map"; keys: string[] };

const ATOMIC: ListType = { type: "atomic" };
const byName: ListType = { type: "map", keys: ["name"] };
const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

/** Keyed lists by field name, wherever they appear in a built-in object. */
const BY_FIELD: Record<string, ListType> = {
  containers: byName,
  initContainers: byName,
  ephemeralContainers: byName,
  env: byName,
  volumes: byName,
  imagePullSecrets: byName,
  resourceClaims: byName,
  volumeMounts: { type: "map", keys: ["mountPath"] },
  volumeDevices: { type: "map", keys: ["devicePath"] },
  hostAliases: { type: "map", keys: ["ip"] },
  topologySpreadConstraints: { type: "map", keys: ["topologyKey"] },
  conditions: { type: "map", keys: ["type"] },
};

/**
 * The list type of the field at `path` (field names from the object root, list items not counted)
 * of a built-in `kind`. Lists not named here (tolerations, args, rbac rules and subjects, ...) are atomic.
 */
export function builtinListType(kind: string, path: readonly string[]): ListType {
  const name = path[path.length - 1] ?? "";
  const parent = path[path.length - 2] ?? "";
  if (path.length === 2 && path[0] === "metadata") {
    if (name === "finalizers") return { type: "set" };
    if (name === "ownerReferences") return { type: "map", keys: ["uid"] };
  }
  if (name === "ports") {
    if (CONTAINER_LISTS.has(parent)) return { type: "map", keys: ["containerPort"] };
    if (kind === "Service" && path.length === 2 && path[0] === "spec") return { type: "map", keys: ["port"] };
    return ATOMIC;
  }
  if (name === "secrets" && kind === "ServiceAccount" && path.length === 1) return byName;
  return BY_FIELD[name] ?? ATOMIC;
}

/** The list type a CRD schema gives a list (atomic unless it says otherwise). */
export function schemaListType(schema: JSONSchemaProps | undefined): ListType {
  const listType = schema?.["x-kubernetes-list-type"];
  if (listType === "set") return { type: "set" };
  if (listType === "map") return { type: "map", keys: schema?.["x-kubernetes-list-map-keys"] ?? [] };
  return ATOMIC;
}

/** The schema of a child field or of list items, for walking a CRD schema beside an object. */
export function childSchema(schema: JSONSchemaProps | undefined, field: string | undefined): JSONSchemaProps | undefined {
  if (schema === undefined) return undefined;
  if (field === undefined) return schema.items;
  const prop = schema.properties?.[field];
  if (prop !== undefined) return prop;
  return typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
}

/** A keyed list whose items do not all carry their keys cannot be merged by key: treat it as atomic. */
export function usableListType(listType: ListType, ...lists: unknown[][]): ListType {
  if (listType.type === "map") {
    const ok = listType.keys.length > 0 && lists.every((list) => list.every((item) => isObject(item) && listType.keys.some((k) => item[k] !== undefined)));
    return ok ? listType : ATOMIC;
  }
  if (listType.type === "set") {
    const ok = lists.every((list) => list.every((item) => item === null || typeof item !== "object"));
    return ok ? listType : ATOMIC;
  }
  return listType;
}

/** The key fields of one item of a keyed list, in sorted order (as fieldsV1 `k:{...}` writes them). */
export function itemKey(listType: { keys: string[] }, item: Record<string, unknown>): Record<string, unknown> {
  const key: Record<string, unknown> = {};
  for (const k of [...listType.keys].sort()) if (item[k] !== undefined) key[k] = item[k];
  return key;
}
