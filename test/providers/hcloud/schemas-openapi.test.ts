// The client's zod schemas (src/providers/hcloud/schemas.ts) held to Hetzner's published response
// schemas (the committed subset in test/fixtures/hcloud/openapi-subset.json): every field hk
// declares exists in the spec at the same place, every enum value the spec allows is accepted, and
// both the leanest answer the spec permits (only required fields, null wherever null is allowed)
// and the fullest one parse. A client that passes only against the emulator could still break on
// the real API; this is the check that does not go through the emulator.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as s from "../../../src/providers/hcloud/schemas.js";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

const subset = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/hcloud/openapi-subset.json", import.meta.url)), "utf8")) as {
  responses: Record<string, Record<string, JsonSchema>>;
};

/** The schema of one field of one operation's 2xx answer. */
function specOf(operation: string, key?: string): JsonSchema {
  const byStatus = subset.responses[operation];
  const body = byStatus?.["200"] ?? byStatus?.["201"];
  if (!body) throw new Error(`no 2xx answer for ${operation} in the subset`);
  if (key === undefined) return body;
  const field = body.properties?.[key];
  if (!field) throw new Error(`${operation} answers no "${key}"`);
  return field;
}

const types = (j: JsonSchema): string[] => (Array.isArray(j.type) ? j.type : j.type ? [j.type] : []);
const nullable = (j: JsonSchema) => types(j).includes("null") || (j.enum?.includes(null) ?? false);

/** One schema out of an allOf: properties merged (later parts narrow earlier ones), required joined. */
function merged(j: JsonSchema): JsonSchema {
  if (!j.allOf) return j;
  const parts = j.allOf.map(merged);
  return {
    ...Object.assign({}, ...parts),
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    required: [...new Set(parts.flatMap((p) => p.required ?? []))],
  };
}

/** The alternatives of a oneOf/anyOf (each merged), or the schema itself. */
const alternatives = (j: JsonSchema): JsonSchema[] => (j.oneOf ?? j.anyOf ?? [j]).map(merged);

/** Every field any alternative declares, with the enum values of all of them: what an answer may hold. */
function union(j: JsonSchema): JsonSchema {
  const alts = alternatives(j);
  if (alts.length === 1) return alts[0] as JsonSchema;
  const properties: Record<string, JsonSchema> = {};
  for (const alt of alts) {
    for (const [name, sub] of Object.entries(alt.properties ?? {})) {
      const had = properties[name];
      properties[name] = had?.enum && sub.enum ? { ...had, enum: [...new Set([...had.enum, ...sub.enum])] } : (had ?? sub);
    }
  }
  return { type: "object", properties };
}

/**
 * An instance the spec allows: `lean` keeps only required fields and prefers null; otherwise every
 * field, non-null. `variant` picks the alternative of every oneOf (the last one when it has fewer).
 */
function sample(j: JsonSchema, lean: boolean, variant = 0): unknown {
  const alts = alternatives(j);
  j = alts[Math.min(variant, alts.length - 1)] as JsonSchema;
  if (lean && nullable(j)) return null;
  if (j.enum) return j.enum.find((v) => v !== null);
  const t = types(j).find((x) => x !== "null") ?? (j.properties ? "object" : "string");
  switch (t) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(j.properties ?? {})) {
        if (lean && !(j.required ?? []).includes(name)) continue;
        out[name] = sample(sub, lean, variant);
      }
      if (!j.properties && typeof j.additionalProperties === "object") out.key = sample(j.additionalProperties, lean, variant);
      return out;
    }
    case "array":
      return j.items ? [sample(j.items, lean, variant)] : [];
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    default:
      return j.format === "date-time" ? "2026-01-01T00:00:00+00:00" : j.format === "decimal" ? "1.0000" : "x";
  }
}

/** Peels optional / nullable / default wrappers off a zod schema. */
function core(schema: z.ZodType): z.ZodType {
  let cur = schema;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable || cur instanceof z.ZodDefault) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** Fields hk declares that the spec lacks at that place, and spec enum values hk would reject. */
function mismatches(schema: z.ZodType, spec: JsonSchema, at: string, allowExtra: ReadonlySet<string>): string[] {
  const zs = core(schema);
  const j = union(spec);
  if (zs instanceof z.ZodObject) {
    const out: string[] = [];
    for (const [name, sub] of Object.entries(zs.shape as Record<string, z.ZodType>)) {
      const path = at ? `${at}.${name}` : name;
      const field = j.properties?.[name];
      if (!field) {
        if (!allowExtra.has(path)) out.push(`${path}: not in the spec`);
        continue;
      }
      out.push(...mismatches(sub, field, path, allowExtra));
    }
    return out;
  }
  if (zs instanceof z.ZodArray) return j.items ? mismatches(zs.element as z.ZodType, j.items, `${at}[]`, allowExtra) : [];
  if (zs instanceof z.ZodEnum && j.enum) {
    const accepted = new Set(zs.options as unknown[]);
    return j.enum.filter((v) => v !== null && !accepted.has(v)).map((v) => `${at}: the spec allows ${JSON.stringify(v)}, hk's enum does not`);
  }
  return [];
}

interface Case {
  name: string;
  schema: z.ZodType;
  operation: string;
  key?: string;
  /** Fields hk reads that the current spec lacks, each with the reason it is kept. */
  extra?: Record<string, string>;
}

const cases: Case[] = [
  { name: "action", schema: s.actionSchema, operation: "GET /actions/{id}", key: "action" },
  { name: "image", schema: s.imageSchema, operation: "GET /images/{id}", key: "image" },
  { name: "server type", schema: s.serverTypeSchema, operation: "GET /server_types/{id}", key: "server_type" },
  { name: "server", schema: s.serverSchema, operation: "GET /servers/{id}", key: "server" },
  { name: "SSH key", schema: s.sshKeySchema, operation: "GET /ssh_keys/{id}", key: "ssh_key" },
  { name: "firewall", schema: s.firewallSchema, operation: "GET /firewalls/{id}", key: "firewall" },
  { name: "network", schema: s.networkSchema, operation: "GET /networks/{id}", key: "network" },
  { name: "load balancer", schema: s.loadBalancerSchema, operation: "GET /load_balancers/{id}", key: "load_balancer" },
  { name: "placement group", schema: s.placementGroupSchema, operation: "GET /placement_groups/{id}", key: "placement_group" },
  { name: "volume", schema: s.volumeSchema, operation: "GET /volumes/{id}", key: "volume" },
  {
    name: "primary IP",
    schema: s.primaryIpSchema,
    operation: "GET /primary_ips/{id}",
    key: "primary_ip",
    extra: { datacenter: "the spec's previous edition nested the location there; answers of that edition still parse" },
  },
  { name: "load balancer type", schema: s.loadBalancerTypeSchema, operation: "GET /load_balancer_types/{id}", key: "load_balancer_type" },
  { name: "location", schema: s.locationSchema, operation: "GET /locations/{id}", key: "location" },
  { name: "pricing", schema: s.pricingSchema, operation: "GET /pricing", key: "pricing" },
  { name: "list pagination", schema: s.paginationSchema, operation: "GET /servers" },
];

describe("the client's response schemas against Hetzner's OpenAPI document", () => {
  for (const c of cases) {
    it(`${c.name}: fields and enums match ${c.operation}, and the leanest and fullest answers parse`, () => {
      const spec = specOf(c.operation, c.key);
      expect(mismatches(c.schema, spec, "", new Set(Object.keys(c.extra ?? {})))).toEqual([]);
      for (const variant of [0, 1, 2]) {
        for (const lean of [true, false]) {
          const parsed = c.schema.safeParse(sample(spec, lean, variant));
          const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
          expect(issues, `${lean ? "leanest" : "fullest"} answer, alternative ${variant}`).toEqual([]);
        }
      }
    });
  }

  it("catches a schema that would break on a valid answer", () => {
    const image = specOf("GET /images/{id}", "image");
    // `name` may be null in the spec: a client insisting on a string fails the lean answer.
    expect(z.object({ id: z.number(), name: z.string() }).safeParse(sample(image, true)).success).toBe(false);
    // A misspelt field, and an enum that forgets a status the API can send.
    expect(mismatches(z.object({ disksize: z.number() }), image, "", new Set())).toEqual(["disksize: not in the spec"]);
    expect(mismatches(z.object({ status: z.enum(["available"]) }), image, "", new Set())).toEqual([
      'status: the spec allows "creating", hk\'s enum does not',
      'status: the spec allows "unavailable", hk\'s enum does not',
    ]);
  });
});
