// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for built-in kinds: maps
// merge, null deletes, keyed lists merge item by item by their patchMergeKey, other lists are
// replaced, and the directives $patch (replace|delete|merge), $retainKeys,
// $deleteFromPrimitiveList/<field> and $setElementOrder/<field> do what kubectl means by them.
import { cloneJson, isObject, jsonEqual, type JsonObject } from "./field-path.js";
import { builtinListType, itemKey, type ListType } from "./list-types.js";

const DELETE_FROM = "$deleteFromPrimitiveList/";
const ORDER = "$setElementOrder/";

/** A patch the apiserver's strategicpatch refuses: 400 for a malformed directive, 422 otherwise. */
export class StrategicPatchError extends Error {
  constructor(message: string, readonly code: 400 | 422 = 422) {
    super(message);
  }
}

/** Go's %v of a map, as strategicpatch prints an item in its errors: map[image:nginx name:web]. */
function goMap(item: JsonObject): string {
  return `map[${Object.keys(item).sort().map((k) => `${k}:${typeof item[k] === "object" ? JSON.stringify(item[k]) : String(item[k])}`).join(" ")}]`;
}

/** Applies a strategic merge patch to a built-in object of `kind` (neither argument is mutated). */
export function strategicMerge(kind: string, original: JsonObject, patch: JsonObject): JsonObject {
  return mergeMap(kind, [], original, patch) ?? {};
}

function mergeMap(kind: string, path: string[], original: JsonObject, patch: JsonObject): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === "delete") return undefined;
  if (directive === "replace") return mergeMap(kind, path, {}, withoutKey(patch, "$patch"));
  if (directive !== undefined && directive !== "merge") throw new StrategicPatchError(`Unknown patch type: ${String(directive)}`);
  const result = cloneJson(original);
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM)) continue;
    const field = key.slice(DELETE_FROM.length);
    if (!Array.isArray(value)) throw new StrategicPatchError("invalid patch: $deleteFromPrimitiveList must be a list", 400);
    const current = result[field];
    if (Array.isArray(current)) result[field] = current.filter((v) => !value.some((d) => jsonEqual(d, v)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    const childPath = [...path, key];
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const merged = mergeMap(kind, childPath, isObject(result[key]) ? result[key] : {}, value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      const current = Array.isArray(result[key]) ? (result[key] as unknown[]) : [];
      result[key] = mergeList(kind, childPath, current, value);
    } else {
      result[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(ORDER)) continue;
    const field = key.slice(ORDER.length);
    const list = result[field];
    if (Array.isArray(order) && Array.isArray(list)) result[field] = reorder(builtinListType(kind, [...path, field]), list, order);
  }
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new StrategicPatchError("doesn't satisfy strategic merge patch format for retainKeys", 400);
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function mergeList(kind: string, path: string[], original: unknown[], patch: unknown[]): unknown[] {
  const listType = builtinListType(kind, path);
  if (listType.type === "atomic") return patch.map((item) => (isObject(item) ? (mergeMap(kind, path, {}, item) ?? {}) : item));
  if (listType.type === "set") {
    const out = [...original];
    for (const v of patch) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
    return out;
  }
  if (patch.some((item) => isObject(item) && item.$patch === "replace")) {
    return patch.filter((item) => !(isObject(item) && item.$patch === "replace")).map((item) => (isObject(item) ? (mergeMap(kind, path, {}, item) ?? {}) : item));
  }
  let out = original.map((item) => cloneJson(item));
  for (const item of patch) {
    if (!isObject(item)) throw new StrategicPatchError(`the list ${path.join(".")} merges by ${listType.keys.join(",")}: its items must be maps`);
    const key = itemKey(listType, item);
    if (Object.keys(key).length === 0 && item.$patch !== "delete") throw new StrategicPatchError(`map: ${goMap(item)} does not contain declared merge key: ${listType.keys.join(",")}`);
    const index = out.findIndex((o) => isObject(o) && jsonEqual(itemKey(listType, o), key));
    if (item.$patch === "delete") {
      out = out.filter((o) => !(isObject(o) && jsonEqual(itemKey(listType, o), key)));
      continue;
    }
    const base = index >= 0 && isObject(out[index]) ? (out[index] as JsonObject) : {};
    const merged = mergeMap(kind, path, base, item) ?? {};
    if (index >= 0) out[index] = merged;
    else out.push(merged);
  }
  return out;
}

/** $setElementOrder: the listed items first, in that order; items it does not list keep their place after. */
function reorder(listType: ListType, list: unknown[], order: unknown[]): unknown[] {
  const position = (item: unknown): number => {
    if (listType.type === "map" && isObject(item)) {
      const key = itemKey(listType, item);
      return order.findIndex((o) => isObject(o) && jsonEqual(itemKey(listType, o), key));
    }
    return order.findIndex((o) => jsonEqual(o, item));
  };
  const listed = list.filter((item) => position(item) >= 0).sort((a, b) => position(a) - position(b));
  return [...listed, ...list.filter((item) => position(item) < 0)];
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const out = { ...obj };
  delete out[key];
  return out;
}
