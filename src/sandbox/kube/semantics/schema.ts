// CRD structural-schema handling of one custom object, in the apiserver's order: unknown fields
// pruned (and listed), defaults applied, then validation. apiVersion, kind and metadata at the root
// are the server's business and left as they are. An empty schema (a built-in kind) checks nothing.
import type { JSONSchemaProps, KubeObject, StatusCause } from "../types.js";
import { cloneJson } from "./field-path.js";
import { defaultValue } from "./schema-default.js";
import { pruneValue } from "./schema-prune.js";
import { validateValue } from "./schema-validate.js";

export interface SchemaOutcome {
  /** The object defaulted and pruned (unknown fields dropped). */
  object: KubeObject;
  /** Dotted paths of dropped unknown fields ("spec.bogusField"), for fieldValidation Strict (400) and Warn (Warning header). */
  unknownFields: string[];
  /** Invalid values (422 Invalid): `field` is "spec.paused", `message` as the apiserver words it after "field: ". */
  causes: StatusCause[];
}

const ROOT_KEYS = new Set(["apiVersion", "kind", "metadata"]);

/** Checks a custom object against its version's openAPIV3Schema (apiVersion, kind and metadata are the server's). */
export function checkObject(obj: KubeObject, schema: JSONSchemaProps): SchemaOutcome {
  const object = cloneJson(obj);
  if (Object.keys(schema).length === 0) return { object, unknownFields: [], causes: [] };
  const unknownFields: string[] = [];
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (!ROOT_KEYS.has(key)) body[key] = value;
  const rootSchema: JSONSchemaProps = { ...schema };
  if (schema.properties !== undefined) rootSchema.properties = withoutRootKeys(schema.properties);
  if (rootSchema.required !== undefined) rootSchema.required = rootSchema.required.filter((r) => !ROOT_KEYS.has(r));
  pruneValue(body, rootSchema, "", unknownFields);
  defaultValue(body, rootSchema);
  const causes = validateValue(body, { ...rootSchema, type: "object" }, "");
  for (const key of Object.keys(object)) if (!ROOT_KEYS.has(key)) delete object[key];
  Object.assign(object, body);
  return { object, unknownFields, causes };
}

function withoutRootKeys(props: Record<string, JSONSchemaProps>): Record<string, JSONSchemaProps> {
  const out: Record<string, JSONSchemaProps> = {};
  for (const [key, value] of Object.entries(props)) if (!ROOT_KEYS.has(key)) out[key] = value;
  return out;
}
