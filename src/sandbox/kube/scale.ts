// The scale subresource as autoscaling/v1 Scale: replicas read from and written to the kind's
// scale paths (spec.replicas for Deployments, ReplicaSets and StatefulSets; a CRD's own paths).
import type { Cluster } from "./cluster.js";
import { readPath, writePath } from "./objects.js";
import { bodyOf, json, patchType, warningHeaders, writeOptions, type Reply, type RequestContext } from "./request.js";
import { applyPatch, PatchError } from "./semantics/patch.js";
import { errors, StatusError } from "./status.js";
import type { KindInfo, KubeObject } from "./types.js";
import { updateObject } from "./writes.js";

const SCALE_KIND: KindInfo = {
  group: "autoscaling", version: "v1", kind: "Scale", listKind: "ScaleList", plural: "scale", singular: "scale", namespaced: true,
  shortNames: [], categories: [], verbs: [], subresources: { status: false }, builtin: true, hasGeneration: false,
};

/** `a=b,c=d` from a label selector object (matchLabels and matchExpressions). */
function selectorString(sel: unknown): string | undefined {
  if (typeof sel === "string") return sel;
  if (!sel || typeof sel !== "object") return undefined;
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === "In") parts.push(`${e.key} in (${(e.values ?? []).join(",")})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${(e.values ?? []).join(",")})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

export function scaleOf(kind: KindInfo, obj: KubeObject): KubeObject {
  const paths = kind.subresources.scale;
  if (!paths) throw errors.resourceNotFound();
  const selector = kind.builtin ? selectorString((obj.spec as { selector?: unknown } | undefined)?.selector) : paths.labelSelectorPath ? selectorString(readPath(obj, paths.labelSelectorPath)) : undefined;
  const m = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: JSON.parse(JSON.stringify({ name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp })) as KubeObject["metadata"],
    spec: { replicas: Number(readPath(obj, paths.specReplicasPath) ?? 0) },
    status: { replicas: Number(readPath(obj, paths.statusReplicasPath) ?? 0), ...(selector ? { selector } : {}) },
  };
}

export function serveScale(cluster: Cluster, kind: KindInfo, namespace: string | undefined, name: string, ctx: RequestContext): Reply {
  const live = cluster.live(kind, namespace, name);
  if (!live) throw errors.notFound(kind, name);
  const current = scaleOf(kind, live);
  let wanted: KubeObject;
  switch (ctx.method) {
    case "GET":
      return json(200, current);
    case "PUT":
      wanted = bodyOf(ctx) as KubeObject;
      break;
    case "PATCH": {
      const type = patchType(ctx);
      try {
        wanted = type === "apply" ? (bodyOf(ctx, true) as KubeObject) : applyPatch(type === "strategic" ? "merge" : type, current, bodyOf(ctx), SCALE_KIND);
      } catch (err) {
        if (err instanceof PatchError) throw new StatusError(err.code, err.code === 415 ? "UnsupportedMediaType" : "BadRequest", err.message);
        throw err;
      }
      break;
    }
    default:
      throw errors.methodNotAllowed();
  }
  const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid(SCALE_KIND, name, [{ reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, field: "spec.replicas" }]);
  }
  const rv = wanted.metadata?.resourceVersion;
  if (rv && rv !== live.metadata.resourceVersion) throw errors.conflict(kind, name);
  const paths = kind.subresources.scale;
  const next = writePath(live, paths?.specReplicasPath ?? ".spec.replicas", replicas);
  const r = updateObject(cluster, kind, namespace, name, next, writeOptions(ctx));
  return json(200, scaleOf(kind, r.object), warningHeaders(r.warnings));
}
