// The verbs on a resource path: collection (list, watch, create, deletecollection), item (get,
// replace, patch, apply, delete) and the status subresource. Scale lives in scale.ts.
import type { Cluster } from "./cluster.js";
import { deleteObject, type DeleteOptions } from "./deletion.js";
import { listObjects, serveWatch } from "./list.js";
import { asVersion } from "./objects.js";
import { groupVersion } from "./registry.js";
import { bodyOf, contentType, json, patchType, wantsTable, warningHeaders, writeOptions, type Reply, type RequestContext } from "./request.js";
import { serveScale } from "./scale.js";
import { errors } from "./status.js";
import { toTable, type IncludeObject } from "./table.js";
import type { KindInfo, KubeObject } from "./types.js";
import { applyToObject, createObject, patchObject, updateObject } from "./writes.js";
import type { WriteResult } from "./cluster.js";

export interface ResourceTarget {
  kind: KindInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function include(ctx: RequestContext): IncludeObject {
  const v = ctx.url.searchParams.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

function written(r: WriteResult, status: number): Reply {
  return json(status, r.object, warningHeaders(r.warnings));
}

export function serveResource(cluster: Cluster, t: ResourceTarget, ctx: RequestContext): Reply {
  const { kind, namespace, name, subresource } = t;
  const q = ctx.url.searchParams;
  if (name === undefined) {
    switch (ctx.method) {
      case "GET": {
        if (kind.verbs.length === 1) throw errors.methodNotAllowed();
        if (q.get("watch") === "true" || q.get("watch") === "1") {
          // kubectl get -w asks for Table events: each object a one-row Table, columns on the first only.
          let first = true;
          const asTable = (o: KubeObject) => {
            const t = toTable(kind, [o], include(ctx), { resourceVersion: o.metadata.resourceVersion });
            if (!first) delete t.columnDefinitions;
            first = false;
            return t;
          };
          serveWatch(cluster, kind, namespace, q, ctx.req, ctx.res, wantsTable(ctx) ? asTable : undefined);
          return "streamed";
        }
        const page = listObjects(cluster, kind, namespace, q);
        if (wantsTable(ctx)) return { status: 200, body: toTable(kind, page.items, include(ctx), page.metadata), contentType: "application/json;as=Table;v=v1;g=meta.k8s.io" };
        return json(200, { kind: kind.listKind, apiVersion: groupVersion(kind), metadata: page.metadata, items: page.items });
      }
      case "POST":
        if (kind.verbs.length === 1) return review(kind, contentType(ctx) === "application/json" ? bodyOf(ctx) : {});
        if (kind.namespaced && namespace === undefined) throw errors.methodNotAllowed();
        return written(createObject(cluster, kind, namespace, bodyOf(ctx), writeOptions(ctx)), 201);
      case "DELETE":
        return deleteCollection(cluster, kind, namespace, ctx);
      default:
        throw errors.methodNotAllowed();
    }
  }
  if (kind.namespaced && namespace === undefined) throw errors.resourceNotFound();
  if (subresource === "scale" && kind.subresources.scale) return serveScale(cluster, kind, namespace, name, ctx);
  if (subresource === "finalize" && kind.builtin && kind.kind === "Namespace" && ctx.method === "PUT") return written(updateObject(cluster, kind, namespace, name, bodyOf(ctx), writeOptions(ctx)), 200);
  if (subresource === "log" && kind.builtin && kind.group === "" && kind.kind === "Pod" && ctx.method === "GET") {
    // No container runs in the sandbox: a pod's log exists and is empty.
    if (!cluster.live(kind, namespace, name)) throw errors.notFound(kind, name);
    return { status: 200, body: "", contentType: "text/plain" };
  }
  if (subresource !== undefined && (subresource !== "status" || !kind.subresources.status)) throw errors.resourceNotFound();
  const sub = subresource === "status" ? "status" : undefined;
  switch (ctx.method) {
    case "GET": {
      const obj = cluster.live(kind, namespace, name);
      if (!obj) throw errors.notFound(kind, name);
      const out = asVersion(obj, groupVersion(kind));
      if (wantsTable(ctx)) return { status: 200, body: toTable(kind, [out], include(ctx), { resourceVersion: obj.metadata.resourceVersion }), contentType: "application/json;as=Table;v=v1;g=meta.k8s.io" };
      return json(200, out);
    }
    case "PUT":
      return written(updateObject(cluster, kind, namespace, name, bodyOf(ctx), writeOptions(ctx, sub)), 200);
    case "PATCH": {
      const type = patchType(ctx);
      const opts = writeOptions(ctx, sub);
      if (type === "apply") {
        if (!ctx.url.searchParams.get("fieldManager")) {
          throw errors.invalid({ ...kind, group: "meta.k8s.io", kind: "PatchOptions" }, "", [{ reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager" }]);
        }
        const r = applyToObject(cluster, kind, namespace, name, bodyOf(ctx, true), { ...opts, force: q.get("force") === "true" });
        return written(r, r.created ? 201 : 200);
      }
      return written(patchObject(cluster, kind, namespace, name, type, bodyOf(ctx), opts), 200);
    }
    case "DELETE": {
      if (sub) throw errors.methodNotAllowed();
      const r = deleteObject(cluster, kind, namespace, name, deleteOptions(ctx));
      return json(r.code, r.body);
    }
    default:
      throw errors.methodNotAllowed();
  }
}

/** An access review (the body's question is not needed, so a protobuf one is not decoded): every authenticated client is cluster-admin. */
function review(kind: KindInfo, body: unknown): Reply {
  const obj = body as KubeObject;
  return json(201, { ...obj, apiVersion: groupVersion(kind), kind: kind.kind, metadata: { ...(obj.metadata ?? {}), creationTimestamp: null }, status: { allowed: true, reason: "every client of the sandbox is cluster-admin" } });
}

function deleteOptions(ctx: RequestContext): DeleteOptions {
  const q = ctx.url.searchParams;
  const body = ctx.raw.length > 0 ? (bodyOf(ctx) as Record<string, unknown>) : {};
  const policy = (body.propagationPolicy ?? q.get("propagationPolicy") ?? undefined) as DeleteOptions["propagationPolicy"] | undefined;
  if (policy !== undefined && policy !== "Background" && policy !== "Foreground" && policy !== "Orphan") throw errors.badRequest(`propagationPolicy: Unsupported value: "${String(policy)}"`);
  const orphanText = q.get("orphanDependents");
  const orphan = typeof body.orphanDependents === "boolean" ? body.orphanDependents : orphanText === null ? undefined : orphanText === "true";
  const dryRun = (Array.isArray(body.dryRun) && body.dryRun.includes("All")) || q.getAll("dryRun").includes("All");
  const pre = body.preconditions as DeleteOptions["preconditions"] | undefined;
  return { ...(policy ? { propagationPolicy: policy } : {}), ...(orphan === undefined ? {} : { orphanDependents: orphan }), dryRun, ...(pre ? { preconditions: pre } : {}) };
}

function deleteCollection(cluster: Cluster, kind: KindInfo, namespace: string | undefined, ctx: RequestContext): Reply {
  const opts = deleteOptions(ctx);
  const page = listObjects(cluster, kind, namespace, new URLSearchParams({ ...Object.fromEntries(ctx.url.searchParams), limit: "0" }));
  const items: KubeObject[] = [];
  for (const obj of page.items) {
    const r = deleteObject(cluster, kind, obj.metadata.namespace, obj.metadata.name ?? "", opts);
    items.push((r.body as KubeObject).kind === "Status" ? obj : (r.body as KubeObject));
  }
  return json(200, { kind: kind.listKind, apiVersion: groupVersion(kind), metadata: { resourceVersion: String(cluster.store.rv) }, items });
}
