// DELETE and what follows it: finalizers hold an object with a deletionTimestamp until a write
// empties them; a namespace goes Terminating, its contents are deleted, then it goes; an owner's
// dependents are garbage-collected in the background (or first, under Foreground propagation).
import type { Cluster } from "./cluster.js";
import { nowRfc3339 } from "./objects.js";
import { storageKey } from "./registry.js";
import { deletedStatus, errors, StatusError } from "./status.js";
import type { KindInfo, KubeObject } from "./types.js";

export interface DeleteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  orphanDependents?: boolean;
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  code: 200 | 202;
  body: unknown;
}

const GC_MANAGER = "kube-controller-manager";
const FOREGROUND = "foregroundDeletion";

function isNamespace(kind: KindInfo): boolean {
  return kind.builtin && kind.group === "" && kind.kind === "Namespace";
}

export function deleteObject(cluster: Cluster, kind: KindInfo, namespace: string | undefined, name: string, opts: DeleteOptions): DeleteResult {
  const live = cluster.live(kind, namespace, name);
  if (!live) throw errors.notFound(kind, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== live.metadata.uid) throw new StatusError(409, "Conflict", `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid ?? ""}`);
  if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion)
    throw new StatusError(409, "Conflict", `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion ?? ""}`);
  if (live.metadata.deletionTimestamp) return { code: 200, body: live };
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? "Orphan" : "Background");
  const uid = live.metadata.uid ?? "";
  const dependents = uid ? cluster.store.dependentsOf(uid) : [];
  if (policy === "Orphan" && !opts.dryRun) for (const d of dependents) dropOwnerRef(cluster, d, uid);
  const finalizers = [...(live.metadata.finalizers ?? [])];
  if (policy === "Foreground" && dependents.length > 0 && !finalizers.includes(FOREGROUND)) finalizers.push(FOREGROUND);

  if (finalizers.length > 0 || isNamespace(kind)) {
    const next = structuredClone(live);
    next.metadata.deletionTimestamp = nowRfc3339();
    next.metadata.deletionGracePeriodSeconds = 0;
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (isNamespace(kind)) next.status = { ...((next.status as object | undefined) ?? {}), phase: "Terminating" };
    if (opts.dryRun) return { code: 200, body: next };
    const stored = cluster.store.put(storageKey(kind), next, "MODIFIED");
    if (isNamespace(kind)) cluster.reaper.sweepSoon(name);
    if (finalizers.includes(FOREGROUND)) cluster.reaper.collectSoon(uid, true);
    return { code: opts.orphanDependents === false ? 202 : 200, body: stored };
  }
  if (!opts.dryRun) cluster.removeNow(kind, live);
  return { code: 200, body: deletedStatus(kind, name, uid) };
}

function dropOwnerRef(cluster: Cluster, obj: KubeObject, uid: string): void {
  const kind = cluster.kindOfStored(obj);
  if (!kind) return;
  const next = structuredClone(obj);
  const refs = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
  if (refs.length > 0) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  cluster.commit(kind, obj, next, { manager: GC_MANAGER }, nowRfc3339());
}

/**
 * The namespace controller and garbage collector of one cluster: work is queued on removals and
 * done a tick later, as the real controllers do it in the background.
 */
export class Reaper {
  private readonly namespaces = new Set<string>();
  private readonly owners = new Map<string, boolean>();
  private scheduled = false;

  constructor(private readonly cluster: Cluster) {}

  /** Something left the store: its dependents may be orphans now, its namespace may be done. */
  removed(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (uid && this.cluster.store.dependentsOf(uid).length > 0) this.collectSoon(uid, false);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const owner = this.cluster.store.getByUid(ref.uid);
      if (owner?.metadata.finalizers?.includes(FOREGROUND)) this.collectSoon(ref.uid, true);
    }
    const ns = obj.metadata.namespace;
    if (ns && this.isTerminating(ns)) this.sweepSoon(ns);
  }

  sweepSoon(namespace: string): void {
    this.namespaces.add(namespace);
    this.schedule();
  }

  collectSoon(ownerUid: string, foreground: boolean): void {
    this.owners.set(ownerUid, foreground || (this.owners.get(ownerUid) ?? false));
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  private run(): void {
    const owners = [...this.owners];
    this.owners.clear();
    for (const [uid] of owners) this.collect(uid);
    const namespaces = [...this.namespaces];
    this.namespaces.clear();
    for (const ns of namespaces) this.sweep(ns);
  }

  private isTerminating(ns: string): boolean {
    const nsKind = this.cluster.registry.byKind("v1", "Namespace");
    return nsKind !== undefined && this.cluster.live(nsKind, undefined, ns)?.metadata.deletionTimestamp !== undefined;
  }

  private collect(ownerUid: string): void {
    const owner = this.cluster.store.getByUid(ownerUid);
    const dependents = this.cluster.store.dependentsOf(ownerUid);
    for (const d of dependents) {
      const kind = this.cluster.kindOfStored(d);
      if (!kind || d.metadata.deletionTimestamp) continue;
      const others = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid && this.cluster.store.getByUid(r.uid));
      if (owner && !owner.metadata.deletionTimestamp) continue;
      this.attempt(() => {
        if (others.length > 0) dropOwnerRef(this.cluster, d, ownerUid);
        else deleteObject(this.cluster, kind, d.metadata.namespace, d.metadata.name ?? "", { propagationPolicy: "Background" });
      });
    }
    if (owner?.metadata.finalizers?.includes(FOREGROUND) && this.cluster.store.dependentsOf(ownerUid).length === 0) {
      const kind = this.cluster.kindOfStored(owner);
      if (!kind) return;
      const next = structuredClone(owner);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
      this.attempt(() => this.cluster.commit(kind, owner, next, { manager: GC_MANAGER }, nowRfc3339()));
    }
  }

  private sweep(namespace: string): void {
    const nsKind = this.cluster.registry.byKind("v1", "Namespace");
    const ns = nsKind && this.cluster.live(nsKind, undefined, namespace);
    if (!nsKind || !ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const key of this.cluster.store.keys()) {
      for (const obj of this.cluster.store.list(key, namespace)) {
        remaining++;
        const kind = this.cluster.kindOfStored(obj);
        if (!kind || obj.metadata.deletionTimestamp) continue;
        this.attempt(() => deleteObject(this.cluster, kind, namespace, obj.metadata.name ?? "", { propagationPolicy: "Background" }));
      }
    }
    if (remaining > 0 || (ns.metadata.finalizers ?? []).length > 0) return;
    this.cluster.removeNow(nsKind, ns);
  }

  private attempt(work: () => void): void {
    try {
      work();
    } catch (err) {
      // The object moved on (deleted or changed by someone else): the next removal re-queues.
      if (!(err instanceof StatusError)) throw err;
    }
  }
}
