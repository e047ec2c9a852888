// Secrets never stand in the state file in clear. Each sensitive value is replaced there by a
// marker {"$secret": true} and kept in a sidecar file (mode 0600) next to it; when HK_STATE_KEY
// is set the sidecar is encrypted with AES-256-GCM under a key derived from it (scrypt, salted
// with the state's lineage), so the state and its sidecar can be shared or backed up safely.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { z } from "zod";
import { AbortError } from "./errors.js";
import type { ResourceState, StateData } from "./state.js";
import { getPath, replaceNodes, setPath, type Json, type JsonObject } from "./values.js";

export const SECRET_MARKER = "$secret";
export type SecretValues = Record<string, Record<string, Json>>;

export interface SensitivePaths {
  inputs?: readonly string[] | undefined;
  outputs?: readonly string[] | undefined;
}

export function isSecretMarker(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_MARKER] === true;
}

/** Where sensitive stack outputs are kept in the sidecar (not a resource address: no dot). */
export const OUTPUTS_KEY = "$outputs";

/**
 * Where a record's secrets are kept: by address and object id, since a create-before-destroy
 * leaves two records at one address (the deposed one must keep its own credentials). Records
 * without an object (dormant) and sidecars written before this use the bare address.
 */
function secretsKey(r: Pick<ResourceState, "address" | "id">): string {
  return r.id === null ? r.address : `${r.address}#${r.id}`;
}

/**
 * The state with secrets replaced by markers, and the secrets by record (see secretsKey) and path
 * ("outputs.key").
 * A record's sensitive paths are its type's plus its `secretInputs` (fed from sensitive outputs);
 * stack outputs named in `secretOutputs` go under OUTPUTS_KEY.
 */
export function splitSecrets(state: StateData, sensitiveOf: (type: string) => SensitivePaths | undefined): { state: StateData; secrets: SecretValues } {
  const secrets: SecretValues = {};
  const resources = state.resources.map((r) => {
    const paths = sensitiveOf(r.type);
    const inputPaths = [...(paths?.inputs ?? []), ...(r.secretInputs ?? [])];
    if (inputPaths.length === 0 && !paths?.outputs?.length) return r;
    const found: Record<string, Json> = {};
    const inputs = redactPaths(r.inputs, inputPaths, (p, v) => (found[`inputs.${p}`] = v));
    const outputs = redactPaths(r.outputs, paths?.outputs ?? [], (p, v) => (found[`outputs.${p}`] = v));
    if (Object.keys(found).length > 0) secrets[secretsKey(r)] = found;
    return { ...r, inputs, outputs };
  });
  let outputs = state.outputs;
  if (state.secretOutputs?.length) {
    const found: Record<string, Json> = {};
    outputs = redactPaths(outputs, state.secretOutputs, (p, v) => (found[p] = v));
    if (Object.keys(found).length > 0) secrets[OUTPUTS_KEY] = found;
  }
  return { state: { ...state, resources, outputs }, secrets };
}

/** Put secret values back where their markers stand; returns the paths whose values are missing. */
export function joinSecrets(state: StateData, secrets: SecretValues): { state: StateData; missing: string[] } {
  const missing: string[] = [];
  const fill = (obj: JsonObject, found: Record<string, Json> | undefined, prefix: string, label: string) =>
    replaceNodes(obj, (node, p) => {
      if (!isSecretMarker(node)) return undefined;
      const key = prefix ? `${prefix}.${p}` : p;
      const v = found?.[key];
      if (v === undefined) missing.push(`${label}.${key}`);
      return { with: v ?? node };
    }) as JsonObject;
  const resources = state.resources.map((r) => {
    const found = secrets[secretsKey(r)] ?? secrets[r.address];
    return { ...r, inputs: fill(r.inputs, found, "inputs", r.address), outputs: fill(r.outputs, found, "outputs", r.address) };
  });
  return { state: { ...state, resources, outputs: fill(state.outputs, secrets[OUTPUTS_KEY], "", "output") }, missing };
}

/** Replace the value at each path (when present) with the marker, reporting what was taken. */
export function redactPaths(obj: JsonObject, paths: readonly string[], take?: (path: string, value: Json) => void, marker: Json = { [SECRET_MARKER]: true }): JsonObject {
  let out = obj;
  for (const p of paths) {
    const v = getPath(out, p) as Json | undefined;
    if (v === undefined || isSecretMarker(v)) continue;
    take?.(p, v);
    out = setPath(out, p, marker) as JsonObject;
  }
  return out;
}

const plainSchema = z.strictObject({ format: z.literal(1), lineage: z.string(), serial: z.number(), values: z.record(z.string(), z.record(z.string(), z.unknown())) });
const sealedSchema = z.strictObject({ format: z.literal(1), lineage: z.string(), serial: z.number(), cipher: z.literal("aes-256-gcm"), iv: z.string(), tag: z.string(), data: z.string() });
export const secretsFileSchema = z.union([plainSchema, sealedSchema]);
export type SecretsFile = z.infer<typeof secretsFileSchema>;

export function sealSecrets(values: SecretValues, lineage: string, serial: number, key: string | undefined): SecretsFile {
  if (key === undefined || key === "") return { format: 1, lineage, serial, values };
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(key, lineage), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(values), "utf8"), cipher.final()]);
  return { format: 1, lineage, serial, cipher: "aes-256-gcm", iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
}

export function openSecrets(file: SecretsFile, key: string | undefined, where: string): SecretValues {
  if ("values" in file) return file.values as SecretValues;
  if (key === undefined || key === "") throw new AbortError(`${where}: the state's secrets are encrypted`, "set HK_STATE_KEY to the key they were written with");
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(key, file.lineage), Buffer.from(file.iv, "base64"));
    decipher.setAuthTag(Buffer.from(file.tag, "base64"));
    const text = Buffer.concat([decipher.update(Buffer.from(file.data, "base64")), decipher.final()]).toString("utf8");
    return JSON.parse(text) as SecretValues;
  } catch {
    throw new AbortError(`${where}: cannot decrypt the state's secrets with HK_STATE_KEY`, "set HK_STATE_KEY to the key they were written with");
  }
}

function deriveKey(key: string, lineage: string): Buffer {
  return scryptSync(key, `hk-state:${lineage}`, 32);
}
