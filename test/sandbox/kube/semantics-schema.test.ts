// Structural schema handling: pruning, defaulting and validation messages as the apiserver words them.
import { describe, expect, it } from "vitest";
import { checkObject } from "../../../src/sandbox/kube/semantics/schema.js";
import { validateValue } from "../../../src/sandbox/kube/semantics/schema-validate.js";
import type { JSONSchemaProps, KubeObject } from "../../../src/sandbox/kube/types.js";

const obj = (spec: unknown, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: "x.io/v1", kind: "Thing", metadata: { name: "t" }, spec, ...extra });
const schemaOf = (spec: JSONSchemaProps, extra: Record<string, JSONSchemaProps> = {}): JSONSchemaProps => ({
  type: "object",
  properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec, ...extra },
});

const validationCases: { name: string; spec: JSONSchemaProps; value: unknown; causes: { field: string; message: string; reason: string }[] }[] = [
  {
    name: "type: a string for a boolean",
    spec: { type: "object", properties: { paused: { type: "boolean" } } },
    value: { paused: "string" },
    causes: [{ field: "spec.paused", reason: "FieldValueInvalid", message: 'Invalid value: "string": spec.paused in body must be of type boolean: "string"' }],
  },
  {
    name: "type: a fraction for an integer",
    spec: { type: "object", properties: { replicas: { type: "integer" } } },
    value: { replicas: 1.5 },
    causes: [{ field: "spec.replicas", reason: "FieldValueInvalid", message: 'Invalid value: "number": spec.replicas in body must be of type integer: "number"' }],
  },
  {
    name: "type: an integer is a number",
    spec: { type: "object", properties: { ratio: { type: "number" } } },
    value: { ratio: 3 },
    causes: [],
  },
  {
    name: "required",
    spec: { type: "object", required: ["version", "replicas"], properties: { version: { type: "string" }, replicas: { type: "integer" } } },
    value: { replicas: 3 },
    causes: [{ field: "spec.version", reason: "FieldValueRequired", message: "Required value" }],
  },
  {
    name: "enum",
    spec: { type: "object", properties: { type: { type: "string", enum: ["spread", "pack"] } } },
    value: { type: "other" },
    causes: [{ field: "spec.type", reason: "FieldValueNotSupported", message: 'Unsupported value: "other": supported values: "spread", "pack"' }],
  },
  {
    name: "pattern",
    spec: { type: "object", properties: { version: { type: "string", pattern: "^v\\d+\\.\\d+\\.\\d+$" } } },
    value: { version: "1.32" },
    causes: [{ field: "spec.version", reason: "FieldValueInvalid", message: 'Invalid value: "1.32": spec.version in body should match \'^v\\d+\\.\\d+\\.\\d+$\'' }],
  },
  {
    name: "pattern with Go's (?i) flag, and a pattern that does not compile",
    spec: { type: "object", properties: { a: { type: "string", pattern: "(?i)^abc$" }, b: { type: "string", pattern: "+" } } },
    value: { a: "ABC", b: "x" },
    causes: [{ field: "spec.b", reason: "FieldValueInvalid", message: expect.stringMatching(/^Invalid value: "x": spec\.b in body should match '\+, but pattern is invalid: error parsing regexp: /) as unknown as string }],
  },
  {
    name: "minimum and maximum",
    spec: { type: "object", properties: { port: { type: "integer", minimum: 1, maximum: 65535 }, weight: { type: "integer", minimum: 0 } } },
    value: { port: 70000, weight: -1 },
    causes: [
      { field: "spec.port", reason: "FieldValueInvalid", message: "Invalid value: 70000: spec.port in body should be less than or equal to 65535" },
      { field: "spec.weight", reason: "FieldValueInvalid", message: "Invalid value: -1: spec.weight in body should be greater than or equal to 0" },
    ],
  },
  {
    name: "minLength and maxLength",
    spec: { type: "object", properties: { name: { type: "string", minLength: 1 }, host: { type: "string", maxLength: 5 } } },
    value: { name: "", host: "toolonghost" },
    causes: [
      { field: "spec.name", reason: "FieldValueInvalid", message: 'Invalid value: "": spec.name in body should be at least 1 chars long' },
      { field: "spec.host", reason: "FieldValueTooLong", message: "Too long: may not be more than 5 bytes" },
    ],
  },
  {
    name: "minItems and maxItems",
    spec: { type: "object", properties: { regions: { type: "array", minItems: 1, items: { type: "string" } }, keys: { type: "array", maxItems: 1, items: { type: "string" } } } },
    value: { regions: [], keys: ["a", "b"] },
    causes: [
      { field: "spec.regions", reason: "FieldValueInvalid", message: "Invalid value: 0: spec.regions in body should have at least 1 items" },
      { field: "spec.keys", reason: "FieldValueTooMany", message: "Too many: 2: must have at most 1 items" },
    ],
  },
  {
    name: "formats the apiserver checks",
    spec: { type: "object", properties: { at: { type: "string", format: "date-time" }, id: { type: "string", format: "uuid" }, big: { type: "integer", format: "int32" } } },
    value: { at: "yesterday", id: "123", big: 99999999999 },
    causes: [
      { field: "spec.at", reason: "FieldValueInvalid", message: 'Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"' },
      { field: "spec.id", reason: "FieldValueInvalid", message: 'Invalid value: "123": spec.id in body must be of type uuid: "123"' },
    ],
  },
  {
    name: "int-or-string takes both, not a boolean",
    spec: { type: "object", properties: { a: { "x-kubernetes-int-or-string": true }, b: { "x-kubernetes-int-or-string": true }, c: { "x-kubernetes-int-or-string": true } } },
    value: { a: 1, b: "25%", c: true },
    causes: [{ field: "spec.c", reason: "FieldValueInvalid", message: 'Invalid value: "boolean": spec.c in body must be of type integer,string: "boolean"' }],
  },
  {
    name: "a wrong type is still checked against the enum",
    spec: { type: "object", properties: { n: { type: "integer", enum: [1, 2] }, s: { type: "string", enum: ["a", "b"] } } },
    value: { n: "x", s: true },
    causes: [
      { field: "spec.n", reason: "FieldValueInvalid", message: 'Invalid value: "string": spec.n in body must be of type integer: "string"' },
      { field: "spec.n", reason: "FieldValueNotSupported", message: 'Unsupported value: "x": supported values: "1", "2"' },
      { field: "spec.s", reason: "FieldValueInvalid", message: 'Invalid value: "boolean": spec.s in body must be of type string: "boolean"' },
      { field: "spec.s", reason: "FieldValueNotSupported", message: 'Unsupported value: true: supported values: "a", "b"' },
    ],
  },
  {
    name: "duplicates in list-type set and map lists",
    spec: { type: "object", properties: {
      tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } },
      ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" }, port: { type: "integer" } } } },
    } },
    value: { tags: ["a", "b", "a"], ports: [{ name: "http", port: 80 }, { name: "http", port: 81 }] },
    causes: [
      { field: "spec.tags[2]", reason: "FieldValueDuplicate", message: 'Duplicate value: "a"' },
      { field: "spec.ports[1]", reason: "FieldValueDuplicate", message: 'Duplicate value: map[string]interface {}{"name":"http"}' },
    ],
  },
  {
    name: "maxProperties",
    spec: { type: "object", properties: { m: { type: "object", maxProperties: 2, additionalProperties: { type: "boolean" } } } },
    value: { m: { a: true, b: true, c: true } },
    causes: [{ field: "spec.m", reason: "FieldValueTooMany", message: "Too many: 3: must have at most 2 items" }],
  },
  {
    name: "nullable",
    spec: { type: "object", properties: { a: { type: "string", nullable: true } } },
    value: { a: null },
    causes: [],
  },
  {
    name: "errors inside array items and map values",
    spec: { type: "object", properties: { list: { type: "array", items: { type: "object", properties: { n: { type: "integer" } } } }, map: { type: "object", additionalProperties: { type: "string" } } } },
    value: { list: [{ n: 1 }, { n: "x" }], map: { k: 5 } },
    causes: [
      { field: "spec.list[1].n", reason: "FieldValueInvalid", message: 'Invalid value: "string": spec.list[1].n in body must be of type integer: "string"' },
      { field: "spec.map[k]", reason: "FieldValueInvalid", message: 'Invalid value: "integer": spec.map[k] in body must be of type string: "integer"' },
    ],
  },
  {
    name: "anyOf as structural schemas use it",
    spec: { type: "object", properties: { q: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string", pattern: "^\\d+Mi$" }] } } },
    value: { q: "lots" },
    causes: [
      { field: "<nil>", reason: "FieldValueInvalid", message: 'Invalid value: "": "spec.q" must validate at least one schema (anyOf)' },
      { field: "spec.q", reason: "FieldValueInvalid", message: 'Invalid value: "string": spec.q in body must be of type integer: "string"' },
    ],
  },
  {
    name: "int-or-string with anyOf, given a boolean: the type, the composite and the first branch",
    spec: { type: "object", properties: { q: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } } },
    value: { q: true },
    causes: [
      { field: "spec.q", reason: "FieldValueInvalid", message: 'Invalid value: "boolean": spec.q in body must be of type integer,string: "boolean"' },
      { field: "<nil>", reason: "FieldValueInvalid", message: 'Invalid value: "": "spec.q" must validate at least one schema (anyOf)' },
      { field: "spec.q", reason: "FieldValueInvalid", message: 'Invalid value: "boolean": spec.q in body must be of type integer: "boolean"' },
    ],
  },
  {
    name: "embedded resources need apiVersion and kind",
    spec: { type: "object", properties: { tpl: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } } },
    value: { tpl: { metadata: { name: "a" } } },
    causes: [
      { field: "spec.tpl.apiVersion", reason: "FieldValueRequired", message: "Required value: must not be empty" },
      { field: "spec.tpl.kind", reason: "FieldValueRequired", message: "Required value: must not be empty" },
    ],
  },
];

describe("checkObject validation", () => {
  it.each(validationCases)("$name", ({ spec, value, causes }) => {
    expect(checkObject(obj(value), schemaOf(spec)).causes).toEqual(causes);
  });
});

describe("validateValue", () => {
  it("null is refused where the schema is not nullable (a request's nulls are pruned before it gets there)", () => {
    expect(validateValue(null, { "x-kubernetes-int-or-string": true }, "spec.a")).toEqual([
      { field: "spec.a", reason: "FieldValueInvalid", message: 'Invalid value: "null": spec.a in body must be of type integer,string: "null"' },
    ]);
    expect(validateValue(null, { type: "object", nullable: true }, "spec.a")).toEqual([]);
  });
});

describe("checkObject pruning", () => {
  const spec: JSONSchemaProps = {
    type: "object",
    properties: {
      known: { type: "string" },
      items: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
      free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      labels: { type: "object", additionalProperties: { type: "string" } },
      tpl: { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object", properties: { a: { type: "string" } } } } },
    },
  };
  it("drops unknown fields everywhere and lists each path", () => {
    const out = checkObject(
      obj({ known: "k", bogusField: 1, items: [{ name: "a", extra: true }], free: { anything: { deep: 1 } }, labels: { x: "y" }, tpl: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { a: "b", z: 1 } } }, { bogusTop: 1 }),
      schemaOf(spec),
    );
    expect(out.unknownFields).toEqual(["spec.bogusField", "spec.items[0].extra", "spec.tpl.spec.z", "bogusTop"]);
    expect(out.object).toEqual(
      obj({ known: "k", items: [{ name: "a" }], free: { anything: { deep: 1 } }, labels: { x: "y" }, tpl: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { a: "b" } } }),
    );
    expect(out.causes).toEqual([]);
  });
  it("never touches the root apiVersion, kind and metadata, and does not mutate its input", () => {
    const input = obj({ bogus: 1 });
    input.metadata.labels = { a: "b" };
    const out = checkObject(input, schemaOf({ type: "object", properties: {} }));
    expect(out.object.metadata).toEqual({ name: "t", labels: { a: "b" } });
    expect(input.spec).toEqual({ bogus: 1 });
  });
  it("an empty schema (a built-in kind) keeps everything", () => {
    expect(checkObject(obj({ anything: 1 }), {}).object.spec).toEqual({ anything: 1 });
  });
});

describe("checkObject defaulting", () => {
  const spec: JSONSchemaProps = {
    type: "object",
    properties: {
      lb: { type: "object", properties: { port: { type: "integer", default: 6443 }, type: { type: "string", default: "lb11" } } },
      strategy: { type: "object", default: {}, properties: { type: { type: "string", default: "RollingUpdate" } } },
      groups: { type: "array", items: { type: "object", properties: { type: { type: "string", default: "spread" } } } },
      byName: { type: "object", additionalProperties: { type: "object", properties: { on: { type: "boolean", default: true } } } },
      gone: { type: "string" },
      withDefault: { type: "string", default: "d" },
      required: { type: "string", default: "filled" },
    },
    required: ["required"],
  };
  it("applies defaults where the parent exists, in items and map values, nested in defaulted values, before validation", () => {
    const out = checkObject(obj({ lb: { port: 80 }, groups: [{}, { type: "pack" }], byName: { a: {} }, gone: null, withDefault: null }), schemaOf(spec));
    expect(out.object.spec).toEqual({
      lb: { port: 80, type: "lb11" },
      strategy: { type: "RollingUpdate" },
      groups: [{ type: "spread" }, { type: "pack" }],
      byName: { a: { on: true } },
      withDefault: "d",
      required: "filled",
    });
    expect(out.causes).toEqual([]);
  });
  it("does not create a parent to hold a default", () => {
    const out = checkObject(obj({}), schemaOf(spec));
    expect(out.object.spec).not.toHaveProperty("lb");
  });
});
