// The write verbs (POST, PUT, server-side apply, merge/JSON/strategic PATCH) on top of
// Cluster.commit, delegating field ownership and patch semantics to semantics/.
import { applyObject, recordUpdate, type WriteScope } from "./semantics/apply.js";
import { applyPatch, PatchError, type PatchType } from "./semantics/patch.js";
import type { Cluster, WriteOptions, WriteResult } from "./cluster.js";
import { generatedName, nowRfc3339 } from "./objects.js";
import { groupVersion } from "./registry.js";
import { errors, StatusError } from "./status.js";
import type { FieldConflict } from "./semantics/apply.js";
import type { KindInfo, KubeObject } from "./types.js";

function scope(kind: KindInfo, opts: WriteOptions): WriteScope {
  return { hasStatusSubresource: kind.subresources.status, ...(opts.subresource ? { subresource: opts.subresource } : {}), ...(kind.schema ? { schema: kind.schema } : {}) };
}

function asObject(body: unknown): KubeObject {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw errors.badRequest("the body of the request must be a JSON object");
  const obj = body as KubeObject;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== "object") throw errors.badRequest("metadata must be an object");
  return obj;
}

/** The body names the kind of the URL, and the URL's namespace if it names one. */
function checkBody(kind: KindInfo, obj: KubeObject, namespace: string | undefined): void {
  const gv = groupVersion(kind);
  if ((obj.apiVersion && obj.apiVersion !== gv) || (obj.kind && obj.kind !== kind.kind)) {
    throw errors.badRequest(`the API version in the data (${obj.apiVersion ?? ""}) does not match the expected API version (${gv})`);
  }
  if (kind.namespaced && obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
    throw errors.badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
}

export function createObject(cluster: Cluster, kind: KindInfo, namespace: string | undefined, body: unknown, opts: WriteOptions): WriteResult {
  const obj = asObject(body);
  checkBody(kind, obj, namespace);
  if (kind.namespaced) obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? "default";
  if (!obj.metadata.name) {
    if (!obj.metadata.generateName) throw errors.invalid(kind, "", [{ reason: "FieldValueRequired", message: "Required value: name or generateName is required", field: "metadata.name" }]);
    do obj.metadata.name = generatedName(obj.metadata.generateName);
    while (cluster.live(kind, namespace, obj.metadata.name));
  }
  const name = obj.metadata.name;
  checkName(kind, name);
  if (cluster.live(kind, obj.metadata.namespace, name)) throw errors.alreadyExists(kind, name);
  const now = nowRfc3339();
  const recorded = recordUpdate(undefined, obj, opts.manager, groupVersion(kind), now, scope(kind, opts));
  return cluster.commit(kind, undefined, recorded, opts, now);
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Names are RFC 1123 subdomains (namespaces: labels), as the apiserver checks them. */
function checkName(kind: KindInfo, name: string): void {
  const label = kind.builtin && kind.group === "" && kind.kind === "Namespace";
  const message = label
    ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
    : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
  const ok = label ? LABEL.test(name) && name.length <= 63 : SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) throw errors.invalid(kind, name, [{ reason: "FieldValueInvalid", message, field: "metadata.name" }]);
}

export function updateObject(cluster: Cluster, kind: KindInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions): WriteResult {
  const obj = asObject(body);
  checkBody(kind, obj, namespace);
  if (obj.metadata.name && obj.metadata.name !== name) throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  const live = cluster.live(kind, namespace, name);
  if (!live) throw errors.notFound(kind, name);
  const rv = obj.metadata.resourceVersion;
  if (rv !== undefined && rv !== "" && rv !== live.metadata.resourceVersion) throw errors.conflict(kind, name);
  obj.metadata = { ...obj.metadata, name, ...(kind.namespaced ? { namespace: live.metadata.namespace } : {}) };
  const now = nowRfc3339();
  const recorded = recordUpdate(live, obj, opts.manager, groupVersion(kind), now, scope(kind, opts));
  return cluster.commit(kind, live, recorded, opts, now);
}

/** Server-side apply (PATCH application/apply-patch+yaml): 201 when it created the object. */
export function applyToObject(cluster: Cluster, kind: KindInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions & { force: boolean }): WriteResult {
  const patch = asObject(body);
  checkBody(kind, patch, namespace);
  if (!patch.apiVersion || !patch.kind) throw errors.badRequest("apiVersion and kind must be set in an apply patch");
  if (patch.metadata.name && patch.metadata.name !== name) throw errors.badRequest(`the name of the object (${patch.metadata.name}) does not match the name on the URL (${name})`);
  const live = cluster.live(kind, namespace, name);
  if (!live && opts.subresource) throw errors.notFound(kind, name);
  if (!live) checkName(kind, name);
  patch.metadata = { ...patch.metadata, name, ...(kind.namespaced ? { namespace: namespace ?? "default" } : {}) };
  const now = nowRfc3339();
  const outcome = applyObject({ live, patch, manager: opts.manager, force: opts.force, apiVersion: groupVersion(kind), now, ...scope(kind, opts) });
  if (!outcome.ok) throw applyConflict(outcome.conflicts, live);
  return cluster.commit(kind, live, outcome.object, opts, now);
}

export function patchObject(cluster: Cluster, kind: KindInfo, namespace: string | undefined, name: string, type: PatchType, body: unknown, opts: WriteOptions): WriteResult {
  const live = cluster.live(kind, namespace, name);
  if (!live) throw errors.notFound(kind, name);
  let patched: KubeObject;
  try {
    patched = applyPatch(type, live, body, kind);
  } catch (err) {
    if (err instanceof PatchError) throw new StatusError(err.code, err.code === 415 ? "UnsupportedMediaType" : err.code === 422 ? "Invalid" : "BadRequest", err.message);
    throw err;
  }
  if (patched.metadata.resourceVersion !== undefined && patched.metadata.resourceVersion !== live.metadata.resourceVersion) throw errors.conflict(kind, name);
  if (patched.metadata.name !== name) throw errors.badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
  const now = nowRfc3339();
  const recorded = recordUpdate(live, patched, opts.manager, groupVersion(kind), now, scope(kind, opts));
  return cluster.commit(kind, live, recorded, opts, now);
}

/**
 * 409 of server-side apply: `Apply failed with 1 conflict: conflict with "m" using v: .spec.x`.
 * As the apiserver prints managers, "using <apiVersion>" names Update managers only.
 */
export function applyConflict(conflicts: FieldConflict[], live?: KubeObject): StatusError {
  const applies = (m: string) => (live?.metadata.managedFields ?? []).some((e) => e.manager === m && e.operation === "Apply");
  const who = (c: FieldConflict) => `"${c.manager}"${c.apiVersion && !applies(c.manager) ? ` using ${c.apiVersion}` : ""}`;
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0] as FieldConflict;
    message = `Apply failed with 1 conflict: conflict with ${who(c)}: ${c.field}`;
  } else {
    const byManager = new Map<string, FieldConflict[]>();
    for (const c of conflicts) byManager.set(who(c), [...(byManager.get(who(c)) ?? []), c]);
    const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...(byManager.get(m) ?? []).map((c) => `- ${c.field}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new StatusError(409, "Conflict", message, { causes: conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${who(c)}`, field: c.field })) });
}
