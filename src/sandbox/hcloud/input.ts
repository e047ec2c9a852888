// Reading request bodies the way the API does: wrong types and missing required fields are
// 422 invalid_input naming the field; fields the spec lacks are ignored (clients send extras).
import { invalidInput, notFound } from "./errors.js";
import type { Ctx } from "./router.js";

type Body = Record<string, unknown>;

export function optString(body: Body, field: string, opts: { max?: number; min?: number } = {}): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidInput({ [field]: ["must be a string"] });
  if (opts.min !== undefined && v.length < opts.min) throw invalidInput({ [field]: [`is too short (minimum ${opts.min})`] });
  if (opts.max !== undefined && v.length > opts.max) throw invalidInput({ [field]: [`is too long (maximum ${opts.max})`] });
  return v;
}

export function reqString(body: Body, field: string, opts: { max?: number; min?: number } = {}): string {
  const v = optString(body, field, { min: 1, ...opts });
  if (v === undefined) throw invalidInput({ [field]: ["is required"] });
  return v;
}

export function optInt(body: Body, field: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw invalidInput({ [field]: ["must be an integer"] });
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw invalidInput({ [field]: [`must be between ${opts.min ?? "-inf"} and ${opts.max ?? "inf"}`] });
  }
  return v;
}

export function reqInt(body: Body, field: string, opts: { min?: number; max?: number } = {}): number {
  const v = optInt(body, field, opts);
  if (v === undefined) throw invalidInput({ [field]: ["is required"] });
  return v;
}

export function optBool(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidInput({ [field]: ["must be a boolean"] });
  return v;
}

export function reqBool(body: Body, field: string): boolean {
  const v = optBool(body, field);
  if (v === undefined) throw invalidInput({ [field]: ["is required"] });
  return v;
}

/** "ID or name" fields accept a number or a string (the CLI sends IDs, python names). */
export function idOrName(value: unknown, field: string): number | string {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && value !== "") return /^\d+$/.test(value) ? Number(value) : value;
  throw invalidInput({ [field]: ["must be an ID or a name"] });
}

/** The item an "ID or name" reference names in a list of things with both. */
export function byIdOrName<T extends { id: number; name: string }>(list: readonly T[], ref: number | string): T | undefined {
  return list.find((x) => (typeof ref === "number" ? x.id === ref : x.name === ref));
}

/** Optional "ID or name" field: undefined when absent or null. */
export function optIdOrName(body: Body, field: string): number | string | undefined {
  const v = body[field];
  return v === undefined || v === null ? undefined : idOrName(v, field);
}

/** An ID field: an integer, or the same as a string of digits (python-hcloud sends some IDs as strings). */
export function optId(body: Body, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) throw invalidInput({ [field]: ["must be an ID"] });
  return n;
}

export function reqId(body: Body, field: string): number {
  const v = optId(body, field);
  if (v === undefined) throw invalidInput({ [field]: ["is required"] });
  return v;
}

/** Fields of which at most one may be given: 422 invalid_input naming all that were. */
export function exclusive(body: Body, fields: string[]): void {
  const given = fields.filter((f) => body[f] !== undefined && body[f] !== null);
  if (given.length < 2) return;
  throw invalidInput(Object.fromEntries(given.map((f) => [f, [`is mutually exclusive with ${given.filter((g) => g !== f).join(", ")}`]])));
}

export function optArray(body: Body, field: string): unknown[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidInput({ [field]: ["must be an array"] });
  return v as unknown[];
}

export function optObject(body: Body, field: string): Body | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalidInput({ [field]: ["must be an object"] });
  return v as Body;
}

export function asObject(v: unknown, field: string): Body {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidInput({ [field]: ["must be an object"] });
  return v as Body;
}

/** The `{id}` path parameter: a positive integer, else the resource does not exist. */
export function pathId(ctx: Ctx, what: string, key = "id"): number {
  const raw = ctx.params[key] ?? "";
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw notFound(`${what} with ID '${raw}'`);
  return n;
}

/** Resource names: 1-128 characters, no surrounding whitespace. */
export function resourceName(body: Body, field = "name", required = true): string | undefined {
  const v = required ? reqString(body, field, { max: 128 }) : optString(body, field, { min: 1, max: 128 });
  if (v !== undefined && v.trim() !== v) throw invalidInput({ [field]: ["must not start or end with whitespace"] });
  return v;
}

/** Server names must be RFC 1123 hostnames. */
export function hostname(body: Body, required: boolean): string | undefined {
  const v = required ? reqString(body, "name", { max: 63 }) : optString(body, "name", { min: 1, max: 63 });
  if (v !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/.test(v)) {
    throw invalidInput({ name: ["must be a valid hostname"] });
  }
  return v;
}
