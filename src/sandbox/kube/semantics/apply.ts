// PLACEHOLDER: the semantics helper replaces this file (server-side apply with managed fields).
// The signatures are the contract the server codes against; keep them.
import type { KubeObject } from "../types.js";

export interface FieldConflict {
  manager: string;
  apiVersion: string;
  /** ".spec.controlPlaneRef.name" */
  field: string;
}

export interface WriteScope {
  /** The kind has a status subresource: the main resource ignores .status, /status ignores all else. */
  hasStatusSubresource: boolean;
  subresource?: "status";
}

export interface ApplyInput extends WriteScope {
  live: KubeObject | undefined;
  /** The applied configuration (the PATCH body). */
  patch: KubeObject;
  manager: string;
  force: boolean;
  /** apiVersion the request was made in (recorded in managedFields). */
  apiVersion: string;
  /** RFC 3339 seconds. */
  now: string;
}

export type ApplyOutcome = { ok: true; object: KubeObject } | { ok: false; conflicts: FieldConflict[] };

/** Server-side apply. The result carries updated metadata.managedFields; server fields (uid, resourceVersion, ...) are the caller's. */
export function applyObject(input: ApplyInput): ApplyOutcome {
  const base = input.live ?? { apiVersion: input.patch.apiVersion, kind: input.patch.kind, metadata: {} };
  return { ok: true, object: { ...base, ...input.patch, metadata: { ...base.metadata, ...input.patch.metadata } } };
}

/**
 * Restricts a non-apply write (POST, PUT, merge/json/strategic PATCH) to its scope and records its
 * field ownership as an Update entry of `manager`: the result is what to store.
 */
export function recordUpdate(before: KubeObject | undefined, after: KubeObject, manager: string, apiVersion: string, now: string, scope: WriteScope): KubeObject {
  void before; void manager; void apiVersion; void now; void scope;
  return after;
}
