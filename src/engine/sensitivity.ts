// Sensitivity travels with the value: an input fed from another resource's sensitive output, or a
// stack output taken from one, is as secret as the output itself (what Terraform calls
// sensitivity propagation). These paths join the type's own sensitive paths wherever hk keeps
// secrets out: the state file, pending records, plans and the apply summary.
import type { ResourceDecl, Stack } from "./declaration.js";
import { pathUnder } from "./diff.js";
import type { Registry } from "./resource.js";
import type { ResourceState } from "./state.js";
import { refPaths, type Ref } from "./values.js";

/** The sensitive output paths of the resource at an address. */
export type OutputSecrets = (address: string) => readonly string[];

/**
 * Types from the stack, or from the state for resources that left the config. A temporary
 * resource's values are never stored or shown (they are known only during apply), so reading
 * them makes nothing secret here.
 */
export function outputSecrets(stack: Stack, registry: Registry, recorded?: (address: string) => ResourceState | undefined): OutputSecrets {
  const declared = declaredIndex(stack);
  return (address) => {
    const decl = declared.get(address);
    if (decl?.lifecycle?.temporary) return [];
    const type = decl?.type ?? recorded?.(address)?.type;
    return (type === undefined ? undefined : registry.get(type)?.sensitive?.outputs) ?? [];
  };
}

const indexes = new WeakMap<Stack, ReadonlyMap<string, ResourceDecl>>();

/** The stack's declarations by address, built once per stack (apply asks once per step). */
export function declaredIndex(stack: Stack): ReadonlyMap<string, ResourceDecl> {
  let index = indexes.get(stack);
  if (!index) {
    index = new Map(stack.resources.map((d) => [d.address, d]));
    indexes.set(stack, index);
  }
  return index;
}

/** True when the reference reads a sensitive output, a part of one, or a value holding one. */
export function readsSecret(r: Ref, secrets: OutputSecrets): boolean {
  return secrets(r.$ref).some((s) => pathUnder(r.path, s) || pathUnder(s, r.path));
}

/** Paths of a declared value whose references read sensitive outputs. */
export function secretRefPaths(value: unknown, secrets: OutputSecrets): string[] {
  return refPaths(value)
    .filter((p) => readsSecret(p.ref, secrets))
    .map((p) => p.path);
}

/** Sorted union of path lists, for records and redaction. */
export function unionPaths(...lists: Array<readonly string[] | undefined>): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))].sort();
}
