// zod's problems in hk's words: one table of schemas and values, the line each one gives.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issueLines } from "../../src/engine/issues.js";

const lines = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : issueLines(r.error.issues);
};

describe("issueLines", () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ["a string where a list goes", z.object({ talos: z.object({ extensions: z.array(z.string()) }) }), { talos: { extensions: "x" } }, "talos.extensions: expected a list, got a string"],
    ["a missing setting", z.object({ version: z.string() }), {}, "version: missing: a string is needed"],
    ["a fraction where a whole number goes", z.object({ n: z.number().int() }), { n: 1.5 }, "n: must be a whole number"],
    ["an option not on the list", z.object({ mode: z.enum(["apply", "destroy"]) }), { mode: "x" }, 'mode: must be one of "apply", "destroy"'],
    ["a literal", z.object({ format: z.literal(1) }), { format: 2 }, "format: must be 1"],
    ["a number too small", z.object({ n: z.number().min(1) }), { n: 0 }, "n: must be at least 1"],
    ["a string too long", z.object({ s: z.string().max(3) }), { s: "abcd" }, "s: must have at most 3 characters"],
    ["a list too short", z.object({ l: z.array(z.string()).min(1) }), { l: [] }, "l: must have at least 1 item"],
    ["a pattern", z.object({ s: z.string().regex(/^a/) }), { s: "b" }, "s: must match the pattern /^a/"],
    ["an unknown key", z.strictObject({}), { extra: 1 }, "extra: unknown setting (check its spelling)"],
    ["a schema's own message, kept", z.object({ n: z.number().min(1, "expected a number ≥ 1") }), { n: 0 }, "n: expected a number ≥ 1"],
  ])("%s", (_name, schema, value, expected) => {
    expect(lines(schema, value)).toEqual([expected]);
  });

  it("never passes zod's own English through", () => {
    const schema = z.object({ a: z.array(z.string()), b: z.enum(["x"]), c: z.number().min(1), d: z.string(), e: z.union([z.string(), z.number()]), f: z.url() });
    for (const l of lines(schema, { a: "s", b: "z", c: 0, e: true, f: "nope" })) expect(l).not.toMatch(/Invalid|Too (small|big)|received|expected \w+ to/);
  });
});
