// Structural pruning, as the apiextensions-apiserver does on every write of a custom object: fields
// the schema does not specify are dropped (and listed, for fieldValidation Strict/Warn), except
// under x-kubernetes-preserve-unknown-fields. Embedded resources keep apiVersion, kind and metadata.
import type { JSONSchemaProps } from "../types.js";
import { childPath, indexPath, isObject, keyPath, type JsonObject } from "./field-path.js";

const EMBEDDED_KEYS = ["apiVersion", "kind", "metadata"];

/** Prunes `value` (mutated) against `schema`; every dropped field's path is pushed to `dropped`. */
export function pruneValue(value: unknown, schema: JSONSchemaProps | undefined, path: string, dropped: string[]): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => pruneValue(item, schema.items, indexPath(path, i), dropped));
    return;
  }
  if (!isObject(value)) return;
  pruneObject(value, schema, path, dropped);
}

function pruneObject(obj: JsonObject, schema: JSONSchemaProps, path: string, dropped: string[]): void {
  const props = schema.properties;
  const additional = schema.additionalProperties;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = schema["x-kubernetes-embedded-resource"] === true;
  for (const key of Object.keys(obj)) {
    const fieldPath = childPath(path, key);
    const known = props?.[key];
    if (known !== undefined) {
      pruneValue(obj[key], known, fieldPath, dropped);
    } else if (embedded && EMBEDDED_KEYS.includes(key)) {
      continue;
    } else if (typeof additional === "object") {
      pruneValue(obj[key], additional, keyPath(path, key), dropped);
    } else if (additional === true || preserve) {
      continue;
    } else {
      dropped.push(fieldPath);
      delete obj[key];
    }
  }
}
