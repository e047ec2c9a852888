// Validation of a pruned, defaulted custom object against its structural schema, with the causes
// worded as the apiextensions-apiserver words them (kube-openapi's validate errors turned into
// field errors): "Invalid value: \"string\": spec.paused in body must be of type boolean: \"string\"".
import type { JSONSchemaProps, StatusCause } from "../types.js";
import { childPath, indexPath, isObject, jsonEqual, keyPath } from "./field-path.js";
import { matchesFormat } from "./schema-formats.js";

/** How the apiserver prints a value after "Invalid value: " (Go's %q for strings, %v otherwise). */
export function shownValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object": return isObject(value);
    case "array": return Array.isArray(value);
    case "string": return typeof value === "string";
    case "integer": return typeof value === "number" && Number.isInteger(value);
    case "number": return typeof value === "number";
    case "boolean": return typeof value === "boolean";
    default: return true;
  }
}

class Collector {
  readonly causes: StatusCause[] = [];
  invalid(field: string, value: unknown, detail: string): void {
    this.causes.push({ reason: "FieldValueInvalid", field, message: `Invalid value: ${shownValue(value)}: ${detail}` });
  }
  add(reason: string, field: string, message: string): void {
    this.causes.push({ reason, field, message });
  }
}

/** Validates `value` at `path`; returns every cause (empty when valid). */
export function validateValue(value: unknown, schema: JSONSchemaProps, path: string): StatusCause[] {
  const out = new Collector();
  check(value, schema, path, out);
  return out.causes;
}

function check(value: unknown, schema: JSONSchemaProps, path: string, out: Collector): void {
  const intOrString = schema["x-kubernetes-int-or-string"] === true;
  const type = intOrString ? "integer,string" : schema.type;
  if (value === null) {
    if (schema.nullable !== true && type !== undefined) out.invalid(path, "null", `${path} in body must be of type ${type}: "null"`);
    return;
  }
  // As kube-openapi does, a wrong type does not stop the other checks: each applies to the values it is for.
  const typeOk = intOrString ? hasType(value, "integer") || typeof value === "string" : type === undefined || hasType(value, type);
  if (!typeOk) out.invalid(path, typeName(value), `${path} in body must be of type ${type}: ${JSON.stringify(typeName(value))}`);
  if (schema.enum !== undefined && !schema.enum.some((e) => jsonEqual(e, value))) {
    const supported = schema.enum.map((e) => JSON.stringify(typeof e === "string" ? e : shownValue(e))).join(", ");
    out.add("FieldValueNotSupported", path, `Unsupported value: ${shownValue(value)}: supported values: ${supported}`);
  }
  if (typeof value === "string") checkString(value, schema, path, out);
  if (typeof value === "number") checkNumber(value, schema, path, out);
  if (Array.isArray(value)) checkArray(value, schema, path, out);
  if (isObject(value)) checkObjectValue(value, schema, path, out);
  checkComposite(value, schema, path, out);
}

/**
 * allOf, anyOf and oneOf: a composite failure is reported without a field ("<nil>", as the
 * apiserver's converted kube-openapi errors are), followed by what the (first failing) branch said.
 */
function checkComposite(value: unknown, schema: JSONSchemaProps, path: string, out: Collector): void {
  const composite = (text: string) => out.add("FieldValueInvalid", "<nil>", `Invalid value: "": "${path}" ${text}`);
  if (schema.allOf !== undefined) {
    const failures = schema.allOf.map((sub) => validateValue(value, sub, path)).filter((c) => c.length > 0);
    if (failures.length > 0) {
      composite(`must validate all the schemas (allOf)${failures.length === schema.allOf.length ? ". None validated" : ""}`);
      for (const causes of failures) out.causes.push(...causes);
    }
  }
  if (schema.anyOf !== undefined && schema.anyOf.length > 0) {
    const results = schema.anyOf.map((sub) => validateValue(value, sub, path));
    if (results.every((c) => c.length > 0)) {
      composite("must validate at least one schema (anyOf)");
      out.causes.push(...(results[0] ?? []));
    }
  }
  if (schema.oneOf !== undefined && schema.oneOf.length > 0) {
    const results = schema.oneOf.map((sub) => validateValue(value, sub, path));
    if (results.filter((c) => c.length === 0).length !== 1) composite("must validate one and only one schema (oneOf)");
  }
}

function checkString(value: string, schema: JSONSchemaProps, path: string, out: Collector): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    out.add("FieldValueTooLong", path, `Too long: may not be more than ${schema.maxLength} bytes`);
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    out.invalid(path, value, `${path} in body should be at least ${schema.minLength} chars long`);
  }
  if (schema.pattern !== undefined) {
    const re = compiled(schema.pattern);
    if (typeof re === "string") out.invalid(path, value, `${path} in body should match '${schema.pattern}, but pattern is invalid: ${re}'`);
    else if (!re.test(value)) out.invalid(path, value, `${path} in body should match '${schema.pattern}'`);
  }
  if (schema.format !== undefined && !matchesFormat(schema.format, value)) {
    out.invalid(path, value, `${path} in body must be of type ${schema.format}: ${JSON.stringify(value)}`);
  }
}

const patterns = new Map<string, RegExp | string>();

/** A schema pattern as a RegExp (Go's leading (?i) and (?s) flags translated), or why it does not compile. */
function compiled(pattern: string): RegExp | string {
  let re = patterns.get(pattern);
  if (re === undefined) {
    const flags = /^\(\?([is]+)\)/.exec(pattern);
    try {
      re = new RegExp(flags ? pattern.slice(flags[0].length) : pattern, `u${flags?.[1] ?? ""}`);
    } catch (err) {
      re = `error parsing regexp: ${(err as Error).message}`;
    }
    patterns.set(pattern, re);
  }
  return re;
}

function checkNumber(value: number, schema: JSONSchemaProps, path: string, out: Collector): void {
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum) {
      const rel = schema.exclusiveMinimum === true ? "greater than" : "greater than or equal to";
      out.invalid(path, value, `${path} in body should be ${rel} ${schema.minimum}`);
    }
  }
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum) {
      const rel = schema.exclusiveMaximum === true ? "less than" : "less than or equal to";
      out.invalid(path, value, `${path} in body should be ${rel} ${schema.maximum}`);
    }
  }
}

function checkArray(value: unknown[], schema: JSONSchemaProps, path: string, out: Collector): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    out.add("FieldValueTooMany", path, `Too many: ${value.length}: must have at most ${schema.maxItems} items`);
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.invalid(path, value.length, `${path} in body should have at least ${schema.minItems} items`);
  }
  if (schema.items !== undefined) value.forEach((item, i) => check(item, schema.items as JSONSchemaProps, indexPath(path, i), out));
  const listType = schema["x-kubernetes-list-type"];
  const keys = schema["x-kubernetes-list-map-keys"] ?? [];
  const seen: unknown[] = [];
  value.forEach((item, i) => {
    const identity = listType === "set" ? item : listType === "map" && isObject(item) ? Object.fromEntries(keys.map((k) => [k, item[k]])) : undefined;
    if (identity === undefined) return;
    if (seen.some((s) => jsonEqual(s, identity))) out.add("FieldValueDuplicate", indexPath(path, i), `Duplicate value: ${duplicateShown(identity)}`);
    else seen.push(identity);
  });
}

/** Go's %#v of a duplicate: a list-map item's keys as map[string]interface {}{"name":"a"}, a set value as is. */
function duplicateShown(identity: unknown): string {
  if (!isObject(identity)) return shownValue(identity);
  return `map[string]interface {}{${Object.keys(identity).sort().map((k) => `${JSON.stringify(k)}:${shownValue(identity[k])}`).join(", ")}}`;
}

function checkObjectValue(value: Record<string, unknown>, schema: JSONSchemaProps, path: string, out: Collector): void {
  const count = Object.keys(value).length;
  const maxProperties = schema.maxProperties as number | undefined;
  const minProperties = schema.minProperties as number | undefined;
  if (maxProperties !== undefined && count > maxProperties) out.add("FieldValueTooMany", path, `Too many: ${count}: must have at most ${maxProperties} items`);
  if (minProperties !== undefined && count < minProperties) out.invalid(path, count, `${path} in body should have at least ${minProperties} properties`);
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) out.add("FieldValueRequired", childPath(path, name), "Required value");
  }
  if (schema["x-kubernetes-embedded-resource"] === true) {
    for (const name of ["apiVersion", "kind"]) {
      if (typeof value[name] !== "string" || value[name] === "") out.add("FieldValueRequired", childPath(path, name), "Required value: must not be empty");
    }
  }
  const props = schema.properties ?? {};
  for (const [key, child] of Object.entries(value)) {
    const prop = props[key];
    if (prop !== undefined) check(child, prop, childPath(path, key), out);
    else if (typeof schema.additionalProperties === "object") check(child, schema.additionalProperties, keyPath(path, key), out);
  }
}
