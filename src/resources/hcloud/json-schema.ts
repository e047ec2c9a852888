// Inputs and outputs are JSON: an absent key, never an `undefined` value. Optional fields use
// zod's exactOptional so their types fit JsonObject; this wrapper drops undefined values first,
// so a config that passes `undefined` for "not set" still parses.
import { z } from "zod";

function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
    return out;
  }
  return value;
}

export function jsonInputs<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>> {
  return z.preprocess(dropUndefined, schema);
}
