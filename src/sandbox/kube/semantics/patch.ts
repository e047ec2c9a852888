// The three non-apply PATCH types of the apiserver: RFC 6902 JSON patch (fast-json-patch, its
// failures worded as the apiserver's evanphx/json-patch words them), RFC 7386 merge patch, and
// strategic merge patch for built-in kinds only (415 on custom resources, as upstream).
import jsonpatch from "fast-json-patch";
import type { KindInfo, KubeObject } from "../types.js";
import { cloneJson, isObject, type JsonObject } from "./field-path.js";
import { strategicMerge, StrategicPatchError } from "./strategic-merge.js";

export type PatchType = "json" | "merge" | "strategic";

/** A patch that cannot be applied: the server answers `code` with this message. */
export class PatchError extends Error {
  constructor(readonly code: 400 | 415 | 422, message: string) {
    super(message);
  }
}

/** Applies a patch body of `type` to `target` (never mutated). Strategic merge on a non-built-in kind: PatchError 415. */
export function applyPatch(type: PatchType, target: KubeObject, body: unknown, kind: KindInfo): KubeObject {
  const parsed = typeof body === "string" || Buffer.isBuffer(body) ? parseBody(String(body)) : body;
  switch (type) {
    case "json":
      return asKubeObject(applyJsonPatch(target, parsed));
    case "merge":
      if (!isObject(parsed)) throw new PatchError(400, "json: cannot unmarshal non-object into Go value of type map[string]interface {}");
      return asKubeObject(mergePatch(target, parsed));
    case "strategic":
      if (!kind.builtin) throw new PatchError(415, `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
      if (!isObject(parsed)) throw new PatchError(400, "json: cannot unmarshal non-object into Go value of type map[string]interface {}");
      try {
        return asKubeObject(strategicMerge(kind.kind, target as JsonObject, parsed));
      } catch (err) {
        if (err instanceof StrategicPatchError) throw new PatchError(err.code, err.message);
        throw err;
      }
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PatchError(400, `invalid JSON in the patch: ${(err as Error).message}`);
  }
}

function asKubeObject(value: unknown): KubeObject {
  if (!isObject(value)) throw new PatchError(422, "the patched object is not a JSON object");
  if (!isObject(value.metadata)) value.metadata = {};
  return value as KubeObject;
}

/** RFC 7386: objects merge recursively, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const out: JsonObject = isObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

interface Op { op?: unknown; path?: unknown; from?: unknown }

function applyJsonPatch(target: KubeObject, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError(400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  for (const op of ops) {
    if (!isObject(op)) throw new PatchError(400, "json: cannot unmarshal non-object into Go value of type jsonpatch.Operation");
  }
  try {
    return jsonpatch.applyPatch(cloneJson(target), ops as jsonpatch.Operation[], true, true).newDocument;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError) throw new PatchError(422, jsonPatchMessage(err.name, (err.operation ?? {}) as Op));
    throw err;
  }
}

/** evanphx/json-patch v4's error text for each failure fast-json-patch reports. */
function jsonPatchMessage(name: string, op: Op): string {
  const kind = String(op.op ?? "");
  const path = String(op.path ?? "");
  switch (name) {
    case "TEST_OPERATION_FAILED":
      return `testing value ${path} failed: test failed`;
    case "OPERATION_PATH_UNRESOLVABLE":
      if (kind === "replace") return `replace operation does not apply: doc is missing key: ${path}: missing value`;
      if (kind === "test") return `testing value ${path} failed: test failed`;
      return `${kind} operation does not apply: doc is missing path: "${path}": missing value`;
    case "OPERATION_PATH_CANNOT_ADD":
      return `add operation does not apply: doc is missing path: "${path}": missing value`;
    case "OPERATION_FROM_UNRESOLVABLE":
      return `${kind} operation does not apply: doc is missing from path: ${String(op.from ?? "")}: missing value`;
    case "OPERATION_VALUE_OUT_OF_BOUNDS":
    case "OPERATION_PATH_ILLEGAL_ARRAY_INDEX":
      return `Unable to access invalid index: ${path.split("/").pop() ?? ""}: invalid index referenced`;
    case "OPERATION_OP_INVALID":
      return `Unexpected kind: ${kind}: unknown object type`;
    case "OPERATION_VALUE_REQUIRED":
    case "OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED":
      return `${kind} operation does not apply: missing value`;
    case "OPERATION_FROM_REQUIRED":
      return `${kind} operation does not apply: missing from`;
    default:
      return `${kind} operation does not apply: invalid path "${path}"`;
  }
}
