// metadata.managedFields read into field sets and written back: one entry per manager, operation
// (Apply or Update) and subresource; fieldsV1 is the set as a tree, "." marking an owned list
// item (or map) that also has owned children, keys sorted as the apiserver writes them.
import type { KubeObject, ManagedFieldsEntry } from "../types.js";
import { isObject, type JsonObject } from "./field-path.js";
import { pathKey, type FieldPath, type FieldSet } from "./fieldset.js";

export interface Ownership {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

/** The set a fieldsV1 tree describes. */
export function fromFieldsV1(tree: unknown, prefix: FieldPath = [], out: FieldSet = new Map()): FieldSet {
  if (!isObject(tree)) return out;
  for (const [key, child] of Object.entries(tree)) {
    if (key === ".") {
      if (prefix.length > 0) out.set(pathKey(prefix), prefix);
      continue;
    }
    if (!wellFormed(key)) continue;
    const path = [...prefix, key];
    if (isObject(child) && Object.keys(child).length > 0) fromFieldsV1(child, path, out);
    else out.set(pathKey(path), path);
  }
  return out;
}

/** A path element this code can follow: f:name, k:{json object}, v:json. Others (a client's garbage) are dropped. */
function wellFormed(key: string): boolean {
  if (key.startsWith("f:")) return true;
  if (!key.startsWith("k:") && !key.startsWith("v:")) return false;
  try {
    const parsed = JSON.parse(key.slice(2)) as unknown;
    return key.startsWith("v:") || isObject(parsed);
  } catch {
    return false;
  }
}

/** The fieldsV1 tree of a set. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const nodeOf = (path: FieldPath): JsonObject => {
    let node = root;
    for (const el of path) {
      if (!isObject(node[el])) node[el] = {};
      node = node[el] as JsonObject;
    }
    return node;
  };
  for (const path of set.values()) nodeOf(path);
  for (const path of set.values()) {
    const node = nodeOf(path);
    if (Object.keys(node).some((k) => k !== ".")) node["."] = {};
  }
  return sortTree(root);
}

function sortTree(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(node).sort()) out[key] = sortTree(node[key] as JsonObject);
  return out;
}

/** The live object's ownership entries (malformed entries are dropped, as the apiserver resets them). */
export function readOwnership(obj: KubeObject | undefined): Ownership[] {
  const entries = obj?.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  return entries
    .filter((e): e is ManagedFieldsEntry => isObject(e) && typeof e.manager === "string" && (e.operation === "Apply" || e.operation === "Update"))
    .map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

/** The managedFields to store: entries with an empty set are gone. */
export function writeOwnership(owners: Ownership[]): ManagedFieldsEntry[] {
  return owners
    .filter((o) => o.set.size > 0)
    .map(({ entry, set }) => {
      const out: ManagedFieldsEntry = { manager: entry.manager, operation: entry.operation, apiVersion: entry.apiVersion, time: entry.time, fieldsType: "FieldsV1", fieldsV1: toFieldsV1(set) };
      if (entry.subresource !== undefined) out.subresource = entry.subresource;
      return out;
    });
}

/** Whether an entry is the one of this manager, operation and subresource. */
export function isEntryOf(entry: ManagedFieldsEntry, manager: string, operation: "Apply" | "Update", subresource: string | undefined): boolean {
  return entry.manager === manager && entry.operation === operation && (entry.subresource ?? "") === (subresource ?? "");
}

/** Removes from `set` every path equal to or under one of `paths`; true if anything went. */
export function subtract(set: FieldSet, paths: Iterable<FieldPath>): boolean {
  let changed = false;
  for (const p of paths) {
    for (const [key, owned] of set) {
      if (owned.length >= p.length && p.every((el, i) => owned[i] === el)) {
        set.delete(key);
        changed = true;
      }
    }
  }
  return changed;
}
