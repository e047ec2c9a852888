// Server-side apply and the field ownership of every other write, after structured-merge-diff:
// each manager owns the fields of its last applied configuration (an Apply entry) or the fields
// its writes set or changed (an Update entry). Applying a field another manager owns with a
// different value is a conflict unless forced (force moves the ownership); equal values are
// shared; fields a manager stops applying are removed unless someone else owns them.
import type { JSONSchemaProps, KubeObject } from "../types.js";
import { cloneJson, jsonEqual } from "./field-path.js";
import { describePath, fieldSetOf, isUnder, mergeApplied, pathKey, removeAt, valueAt, type FieldPath, type FieldSet, type ListContext } from "./fieldset.js";
import { isEntryOf, readOwnership, subtract, writeOwnership, type Ownership } from "./managed-fields.js";
import { pruneValue } from "./schema-prune.js";

export interface FieldConflict {
  manager: string;
  apiVersion: string;
  /** ".spec.controlPlaneRef.name" */
  field: string;
}

export interface WriteScope {
  /** The kind has a status subresource: the main resource ignores .status, /status ignores all else. */
  hasStatusSubresource: boolean;
  subresource?: "status";
  /** A custom kind's schema: its x-kubernetes-list-type lists are keyed. Without it, built-in merge keys apply. */
  schema?: JSONSchemaProps;
}

export interface ApplyInput extends WriteScope {
  live: KubeObject | undefined;
  /** The applied configuration (the PATCH body). */
  patch: KubeObject;
  manager: string;
  force: boolean;
  /** apiVersion the request was made in (recorded in managedFields). */
  apiVersion: string;
  /** RFC 3339 seconds. */
  now: string;
}

export type ApplyOutcome = { ok: true; object: KubeObject } | { ok: false; conflicts: FieldConflict[] };

const SERVER_META = ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName"];

/** The part of an applied configuration this write may set: never managedFields or server fields, and .status only through /status. */
function scopedConfig(input: ApplyInput): KubeObject {
  const config = cloneJson(input.patch);
  for (const key of SERVER_META) delete config.metadata[key];
  if (input.subresource === "status") {
    const out: KubeObject = { apiVersion: config.apiVersion, kind: config.kind, metadata: {} };
    if (config.metadata.name !== undefined) out.metadata.name = config.metadata.name;
    if (config.metadata.namespace !== undefined) out.metadata.namespace = config.metadata.namespace;
    if (config.status !== undefined) out.status = config.status;
    return out;
  }
  if (input.hasStatusSubresource) delete config.status;
  return config;
}

const listContext = (kind: string, schema: JSONSchemaProps | undefined): ListContext => ({ kind, schema });

/** Server-side apply. The result carries updated metadata.managedFields; server fields (uid, resourceVersion, ...) are the caller's. */
export function applyObject(input: ApplyInput): ApplyOutcome {
  const { live, manager } = input;
  const ctx = listContext(input.patch.kind, input.schema);
  const config = scopedConfig(input);
  const applied = ownedSet(config, ctx);
  const owners = readOwnership(live);
  const mine = owners.find((o) => isEntryOf(o.entry, manager, "Apply", input.subresource));
  const base: KubeObject = live ? cloneJson(live) : { apiVersion: config.apiVersion, kind: config.kind, metadata: {} };
  delete base.metadata.managedFields;
  const merged = mergeApplied(base, config, ctx) as KubeObject;

  const conflicts: FieldConflict[] = [];
  const lost = new Map<Ownership, FieldPath[]>();
  for (const path of applied.values()) {
    if (isItem(path) ? valueAt(live, path) !== undefined : jsonEqual(valueAt(live, path), valueAt(merged, path))) continue;
    for (const other of owners) {
      if (other === mine) continue;
      for (const owned of other.set.values()) {
        if (!isUnder(owned, path)) continue;
        conflicts.push({ manager: other.entry.manager, apiVersion: other.entry.apiVersion, field: describePath(owned) });
        lost.set(other, [...(lost.get(other) ?? []), owned]);
      }
    }
  }
  conflicts.sort((a, b) => a.manager.localeCompare(b.manager) || a.field.localeCompare(b.field));
  if (conflicts.length > 0 && !input.force) return { ok: false, conflicts };
  for (const [other, paths] of lost) subtract(other.set, paths);

  for (const [key, path] of mine?.set ?? []) {
    if (applied.has(key)) continue;
    const ownedElsewhere = owners.some((o) => o !== mine && [...o.set.values()].some((p) => isUnder(p, path)));
    if (!ownedElsewhere && !isKeyField(path)) removeAt(merged, path);
  }

  const unchanged = mine !== undefined && sameSet(mine.set, applied) && live !== undefined && jsonEqual(merged, withoutManaged(live));
  const entry = { manager, operation: "Apply" as const, apiVersion: input.apiVersion, time: unchanged ? mine.entry.time : input.now, fieldsType: "FieldsV1" as const, fieldsV1: {}, ...(input.subresource ? { subresource: input.subresource } : {}) };
  if (mine) {
    mine.entry = entry;
    mine.set = applied;
  } else {
    owners.push({ entry, set: applied });
  }
  return { ok: true, object: withOwnership(merged, owners) };
}

/**
 * Restricts a non-apply write (POST, PUT, merge/json/strategic PATCH) to its scope and records its
 * field ownership as an Update entry of `manager`: the result is what to store. Apply bodies never
 * bring managedFields; here only a deliberate change of them counts (see explicitOwnership).
 */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, apiVersion: string, now: string, scope: WriteScope): KubeObject {
  const ctx = listContext(after.kind, scope.schema);
  let stored: KubeObject;
  if (scope.subresource === "status" && before !== undefined) {
    stored = cloneJson(before);
    if (after.status !== undefined) stored.status = cloneJson(after.status);
    else delete stored.status;
  } else {
    stored = cloneJson(after);
    if (scope.hasStatusSubresource) {
      if (before?.status !== undefined) stored.status = cloneJson(before.status);
      else delete stored.status;
    }
  }
  delete stored.metadata.managedFields;

  const owners = explicitOwnership(before, after) ?? readOwnership(before);
  const beforeSet = before ? ownedSet(withoutManaged(before), ctx) : new Map<string, FieldPath>();
  const afterSet = ownedSet(stored, ctx);
  const changed: FieldPath[] = [];
  for (const [key, path] of afterSet) {
    if (!beforeSet.has(key) || (!isItem(path) && !jsonEqual(valueAt(before, path), valueAt(stored, path)))) changed.push(path);
  }
  const removed = [...beforeSet].filter(([key]) => !afterSet.has(key)).map(([, path]) => path);
  const mine = owners.find((o) => isEntryOf(o.entry, manager, "Update", scope.subresource));
  for (const other of owners) if (other !== mine) subtract(other.set, [...changed, ...removed]);
  if (mine) subtract(mine.set, removed);
  if (changed.length > 0) {
    const entry = { manager, operation: "Update" as const, apiVersion, time: now, fieldsType: "FieldsV1" as const, fieldsV1: {}, ...(scope.subresource ? { subresource: scope.subresource } : {}) };
    const set = mine?.set ?? new Map<string, FieldPath>();
    for (const path of changed) set.set(pathKey(path), path);
    if (mine) mine.entry = entry;
    else owners.push({ entry, set });
  }
  return withOwnership(stored, owners);
}

/**
 * The fields a write owns. With a schema, fields it does not know are left out: the server prunes
 * them from the stored object (after these functions run, so the object itself is not pruned here).
 */
function ownedSet(obj: KubeObject, ctx: ListContext): FieldSet {
  if (ctx.schema === undefined) return fieldSetOf(obj, ctx);
  const copy = cloneJson(obj);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(copy)) if (!["apiVersion", "kind", "metadata"].includes(key)) body[key] = value;
  const props = { ...ctx.schema.properties };
  for (const key of ["apiVersion", "kind", "metadata"]) delete props[key];
  pruneValue(body, { ...ctx.schema, properties: props }, "", []);
  return fieldSetOf({ apiVersion: copy.apiVersion, kind: copy.kind, metadata: copy.metadata, ...body }, ctx);
}

/**
 * managedFields a non-apply write sets on purpose (a non-empty list that differs from the stored
 * one) replace the stored ones, as the apiserver allows: kubectl's migration from client-side to
 * server-side apply is such a JSON patch, and `[{}]` resets them. An empty list changes nothing.
 */
function explicitOwnership(before: KubeObject | undefined, after: KubeObject): Ownership[] | undefined {
  const sent = after.metadata.managedFields;
  if (!Array.isArray(sent) || sent.length === 0 || jsonEqual(sent, before?.metadata.managedFields)) return undefined;
  return readOwnership({ apiVersion: after.apiVersion, kind: after.kind, metadata: { managedFields: sent } });
}

function withoutManaged(obj: KubeObject): KubeObject {
  const out = cloneJson(obj);
  delete out.metadata.managedFields;
  return out;
}

function withOwnership(obj: KubeObject, owners: Ownership[]): KubeObject {
  const entries = writeOwnership(owners);
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
  return obj;
}

/** A keyed list item or set value: owning it means owning its presence, which no value change touches. */
function isItem(path: FieldPath): boolean {
  return /^[kv]:/.test(path[path.length - 1] ?? "");
}

/** A key field of a keyed list item (name in k:{"name":...}): it goes with its item, never alone. */
function isKeyField(path: FieldPath): boolean {
  const item = path[path.length - 2];
  const field = path[path.length - 1];
  if (item === undefined || field === undefined || !item.startsWith("k:") || !field.startsWith("f:")) return false;
  return Object.hasOwn(JSON.parse(item.slice(2)) as object, field.slice(2));
}

function sameSet(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  return a.size === b.size && [...a.keys()].every((k) => b.has(k));
}
