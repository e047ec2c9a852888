// Structural defaulting, as the apiextensions-apiserver applies it: a property's `default` is set
// where its parent object exists and the property is absent (or null without `nullable`), top down,
// so defaults inside a defaulted value apply too; array items and map values are defaulted alike.
// A null without `nullable` and without a default is dropped, as the apiserver prunes it.
import type { JSONSchemaProps } from "../types.js";
import { cloneJson, isObject } from "./field-path.js";

/** Defaults `value` (mutated) against `schema`. */
export function defaultValue(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) defaultValue(item, schema.items);
    return;
  }
  if (!isObject(value)) return;
  const props = schema.properties ?? {};
  for (const [key, prop] of Object.entries(props)) {
    const current = value[key];
    if (current === null && prop.nullable !== true) {
      if (prop.default !== undefined) value[key] = cloneJson(prop.default);
      else delete value[key];
    } else if (current === undefined && prop.default !== undefined) {
      value[key] = cloneJson(prop.default);
    }
    if (value[key] !== undefined) defaultValue(value[key], prop);
  }
  const additional = schema.additionalProperties;
  if (typeof additional === "object") {
    for (const key of Object.keys(value)) {
      if (key in props) continue;
      defaultValue(value[key], additional);
    }
  }
}
