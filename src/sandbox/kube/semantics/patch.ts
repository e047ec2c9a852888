// PLACEHOLDER: the semantics helper replaces this file (JSON, merge and strategic-merge patches).
import type { KindInfo, KubeObject } from "../types.js";

export type PatchType = "json" | "merge" | "strategic";

/** A patch that cannot be applied: the server answers `code` with this message. */
export class PatchError extends Error {
  constructor(readonly code: 400 | 415 | 422, message: string) {
    super(message);
  }
}

/** Applies a patch body of `type` to `target` (never mutated). Strategic merge on a non-built-in kind: PatchError 415. */
export function applyPatch(type: PatchType, target: KubeObject, body: unknown, kind: KindInfo): KubeObject {
  void kind;
  if (type === "merge" || type === "strategic") return { ...target, ...(body as object) } as KubeObject;
  throw new PatchError(415, `patch type ${type} not supported yet`);
}
