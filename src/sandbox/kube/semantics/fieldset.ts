// Field sets as structured-merge-diff keeps them in managedFields: a path is a list of fieldsV1
// keys ("f:spec", "k:{\"name\":\"web\"}" for an item of a keyed list, "v:\"a\"" for a value of a
// set); a set holds every owned leaf and every owned list item. Lists are walked with their list
// type (list-types.ts), so keyed items and set values are owned one by one; atomic lists are leaves.
import type { JSONSchemaProps } from "../types.js";
import { cloneJson, isObject, jsonEqual, type JsonObject } from "./field-path.js";
import { builtinListType, childSchema, itemKey, schemaListType, usableListType, type ListType } from "./list-types.js";

export type FieldPath = string[];
export type FieldSet = Map<string, FieldPath>;

/** What decides list types while walking an object: its kind, and its CRD schema if it has one. */
export interface ListContext {
  kind: string;
  schema?: JSONSchemaProps | undefined;
}

/** Fields no manager owns: identity and server-kept metadata (the fieldmanager strips them too). */
const STRIPPED = new Set(['["f:apiVersion"]', '["f:kind"]']);
const STRIPPED_META = new Set(["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"]);

export const pathKey = (path: FieldPath): string => JSON.stringify(path);

function listTypeAt(ctx: ListContext, names: string[], schema: JSONSchemaProps | undefined, ...lists: unknown[][]): ListType {
  const declared = ctx.schema !== undefined ? schemaListType(schema) : builtinListType(ctx.kind, names);
  return usableListType(declared, ...lists);
}

/** The element of a list item in a path: k:{keys} for keyed lists, v:value for sets. */
function itemElement(listType: ListType, item: unknown): string | undefined {
  if (listType.type === "map" && isObject(item)) return `k:${JSON.stringify(itemKey(listType, item))}`;
  if (listType.type === "set") return `v:${JSON.stringify(item)}`;
  return undefined;
}

/** Every owned path of `obj` (leaves and list items), without the stripped identity fields. */
export function fieldSetOf(obj: unknown, ctx: ListContext): FieldSet {
  const out: FieldSet = new Map();
  walk(obj, ctx, [], [], ctx.schema, out);
  for (const key of [...out.keys()]) {
    const path = out.get(key) as FieldPath;
    if (STRIPPED.has(key) || (path[0] === "f:metadata" && path.length >= 2 && STRIPPED_META.has((path[1] ?? "").slice(2)))) out.delete(key);
  }
  return out;
}

function walk(value: unknown, ctx: ListContext, names: string[], path: FieldPath, schema: JSONSchemaProps | undefined, out: FieldSet): void {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && path.length > 0) out.set(pathKey(path), path);
    for (const k of keys) walk(value[k], ctx, [...names, k], [...path, `f:${k}`], childSchema(schema, k), out);
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const listType = listTypeAt(ctx, names, schema, value);
    if (listType.type !== "atomic") {
      for (const item of value) {
        const itemPath = [...path, itemElement(listType, item) as string];
        out.set(pathKey(itemPath), itemPath);
        if (listType.type === "map") walk(item, ctx, names, itemPath, childSchema(schema, undefined), out);
      }
      return;
    }
  }
  out.set(pathKey(path), path);
}

/** The value at `path` in `obj`, or undefined when it is not there. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (el === ".") continue;
    if (el.startsWith("f:")) {
      cur = isObject(cur) ? cur[el.slice(2)] : undefined;
    } else if (Array.isArray(cur)) {
      cur = cur.find((item) => matchesElement(el, item));
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

function matchesElement(el: string, item: unknown): boolean {
  if (el.startsWith("v:")) return jsonEqual(JSON.parse(el.slice(2)), item);
  if (el.startsWith("k:") && isObject(item)) {
    const key = JSON.parse(el.slice(2)) as JsonObject;
    return Object.entries(key).every(([k, v]) => jsonEqual(item[k], v)) && Object.keys(key).length > 0;
  }
  return false;
}

/** Removes the field or list item at `path` from `obj` (mutated); maps and lists it empties go too, root fields (spec, metadata) excepted. */
export function removeAt(obj: JsonObject, path: FieldPath): void {
  const chain: unknown[] = [obj]; // chain[i] holds path[i]
  for (const el of path.slice(0, -1)) {
    const next = valueAt(chain[chain.length - 1], [el]);
    if (next === undefined) return;
    chain.push(next);
  }
  removeElement(chain[path.length - 1], path[path.length - 1] as string);
  for (let i = path.length - 1; i >= 2 && isEmpty(chain[i]); i--) removeElement(chain[i - 1], path[i - 1] as string);
}

function removeElement(container: unknown, el: string): void {
  if (isObject(container) && el.startsWith("f:")) delete container[el.slice(2)];
  else if (Array.isArray(container)) {
    const index = container.findIndex((item) => matchesElement(el, item));
    if (index >= 0) container.splice(index, 1);
  }
}

function isEmpty(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}

/** Config merged over live the way apply merges: maps granular, keyed lists by item, sets by value, the rest replaced. */
export function mergeApplied(live: unknown, config: unknown, ctx: ListContext, names: string[] = [], schema: JSONSchemaProps | undefined = ctx.schema): unknown {
  if (isObject(live) && isObject(config)) {
    const out = cloneJson(live);
    for (const [k, v] of Object.entries(config)) {
      if (v === null) delete out[k]; // an applied null clears the field, as the apiserver prunes nulls
      else out[k] = mergeApplied(live[k], v, ctx, [...names, k], childSchema(schema, k));
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const listType = listTypeAt(ctx, names, schema, live, config);
    if (listType.type === "atomic") return cloneJson(config);
    const out = live.map((item) => cloneJson(item));
    for (const item of config) {
      const el = itemElement(listType, item) as string;
      const index = out.findIndex((o) => matchesElement(el, o));
      if (index < 0) out.push(cloneJson(item));
      else if (listType.type === "map") out[index] = mergeApplied(out[index], item, ctx, names, childSchema(schema, undefined));
    }
    return out;
  }
  return cloneJson(config);
}

/** ".spec.containers[name=\"web\"].image", as structured-merge-diff prints a path in a conflict. */
export function describePath(path: FieldPath): string {
  return path
    .map((el) => {
      if (el.startsWith("f:")) return `.${el.slice(2)}`;
      if (el.startsWith("k:")) {
        const key = JSON.parse(el.slice(2)) as JsonObject;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
      }
      if (el.startsWith("v:")) return `[=${el.slice(2)}]`;
      return "";
    })
    .join("");
}

/** True when `path` is `prefix` or lies under it. */
export function isUnder(path: FieldPath, prefix: FieldPath): boolean {
  return path.length >= prefix.length && prefix.every((el, i) => path[i] === el);
}
