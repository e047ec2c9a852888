// The in-process ClusterApi (types.ts) over the same write path as HTTP requests: same
// validation, resourceVersions, managed fields and watch events. Errors are thrown as StatusError.
import type { Cluster } from "./cluster.js";
import { deleteObject } from "./deletion.js";
import { asVersion } from "./objects.js";
import { storageKey } from "./registry.js";
import { labelMatcher } from "./selectors.js";
import { StatusError } from "./status.js";
import type { ClusterApi, KindInfo, KubeObject, WatchEvent } from "./types.js";
import { applyToObject, createObject, updateObject } from "./writes.js";

function kindOrThrow(cluster: Cluster, apiVersion: string, kind: string): KindInfo {
  const info = cluster.registry.byKind(apiVersion, kind);
  if (!info) throw new StatusError(404, "NotFound", `the server could not find the requested resource (${kind}.${apiVersion})`);
  return info;
}

function namespaceOf(kind: KindInfo, obj: KubeObject): string | undefined {
  return kind.namespaced ? (obj.metadata.namespace ?? "default") : undefined;
}

export function clusterApi(cluster: Cluster): ClusterApi {
  return {
    kindFor: (apiVersion, kind) => cluster.registry.byKind(apiVersion, kind),
    get(apiVersion, kind, namespace, name) {
      const obj = cluster.live(kindOrThrow(cluster, apiVersion, kind), namespace, name);
      return obj && asVersion(obj, apiVersion);
    },
    list(apiVersion, kind, namespace, labelSelector) {
      const info = kindOrThrow(cluster, apiVersion, kind);
      const match = labelMatcher(labelSelector);
      const items = cluster.store.list(storageKey(info), info.namespaced ? namespace : undefined);
      return (match ? items.filter(match) : items).map((o) => asVersion(o, apiVersion));
    },
    create(obj, manager) {
      const info = kindOrThrow(cluster, obj.apiVersion, obj.kind);
      return createObject(cluster, info, namespaceOf(info, obj), structuredClone(obj), { manager }).object;
    },
    update(obj, manager, opts) {
      const info = kindOrThrow(cluster, obj.apiVersion, obj.kind);
      const sub = opts?.subresource ? { subresource: opts.subresource } : {};
      return updateObject(cluster, info, namespaceOf(info, obj), obj.metadata.name ?? "", structuredClone(obj), { manager, ...sub }).object;
    },
    apply(obj, manager, opts) {
      const info = kindOrThrow(cluster, obj.apiVersion, obj.kind);
      const sub = opts?.subresource ? { subresource: opts.subresource } : {};
      return applyToObject(cluster, info, namespaceOf(info, obj), obj.metadata.name ?? "", structuredClone(obj), { manager, force: opts?.force ?? false, ...sub }).object;
    },
    delete(apiVersion, kind, namespace, name) {
      deleteObject(cluster, kindOrThrow(cluster, apiVersion, kind), namespace, name, { propagationPolicy: "Background" });
    },
    watch(apiVersion, kind, listener: (event: WatchEvent) => void) {
      const info = kindOrThrow(cluster, apiVersion, kind);
      // Delivered after the write that caused it has finished, so a listener may write in turn.
      return cluster.store.subscribe(storageKey(info), (e) => queueMicrotask(() => listener({ type: e.type, object: asVersion(e.object, apiVersion) })));
    },
  };
}
