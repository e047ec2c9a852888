// Desired inputs: a declaration's inputs with references resolved. At plan time a reference to
// something not yet made is Unknown and one to a temporary resource is Ephemeral; at apply time
// every reference resolves to a real output.
import type { ResourceDecl } from "./declaration.js";
import { formatIssues } from "./issues.js";
import type { AnyResourceType } from "./resource.js";
import { findPaths, getPath, isEphemeral, isUnknown, mapRefs, refPaths, setPath, type JsonObject, type Ref } from "./values.js";

export type Validated = { ok: true; inputs: JsonObject; complete: boolean } | { ok: false; error: string };

/** Where values not known yet (Unknown, Ephemeral) stand. */
function markerPaths(v: unknown): string[] {
  return findPaths(v, (x) => isUnknown(x) || isEphemeral(x));
}

/**
 * Check inputs against the type's schema. Values not known yet (Unknown/Ephemeral) are checked
 * with stand-ins so defaults still apply and real mistakes elsewhere are still reported; the
 * markers are put back afterwards.
 */
export function validateInputs(type: AnyResourceType, resolved: unknown): Validated {
  const markers = markerPaths(resolved);
  if (markers.length === 0) {
    const r = type.inputs.safeParse(resolved);
    return r.success ? { ok: true, inputs: r.data as JsonObject, complete: true } : { ok: false, error: formatIssues(r.error.issues) };
  }
  for (const standIn of ["placeholder", 1]) {
    let probe: unknown = resolved;
    for (const p of markers) probe = setPath(probe, p, standIn);
    const r = type.inputs.safeParse(probe);
    if (r.success) {
      let out: unknown = r.data;
      for (const p of markers) out = setPath(out, p, getPath(resolved, p));
      return { ok: true, inputs: out as JsonObject, complete: false };
    }
    const elsewhere = r.error.issues.filter((i) => !markers.some((m) => i.path.join(".").startsWith(m)));
    if (elsewhere.length > 0) return { ok: false, error: formatIssues(elsewhere) };
  }
  return { ok: true, inputs: resolved as JsonObject, complete: false };
}

export function resolveRefs(decl: ResourceDecl, resolve: (r: Ref) => unknown): unknown {
  return mapRefs(decl.inputs, resolve);
}

/** Inputs as stored in the state: values that came from temporary resources become Ephemeral markers. */
export function storedInputs(decl: ResourceDecl, inputs: JsonObject, isTemporary: (address: string) => boolean): JsonObject {
  let out: unknown = inputs;
  for (const { path, ref } of refPaths(decl.inputs)) {
    if (isTemporary(ref.$ref)) out = setPath(out, path, { $ephemeral: `${ref.$ref}.${ref.path}` });
  }
  return out as JsonObject;
}

