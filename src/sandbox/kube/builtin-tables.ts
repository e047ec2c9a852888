// PLACEHOLDER: the controllers helper replaces this file (kubectl get columns of built-in kinds).
import type { TableSpec } from "./types.js";

/** The Table of a built-in kind (`pods`, `nodes`, `deployments.apps`, ...); undefined: NAME and AGE. */
export function builtinTable(group: string, kind: string): TableSpec | undefined {
  void group; void kind;
  return undefined;
}
