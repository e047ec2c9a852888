// Where one cluster's objects live: buckets per storage key (group/kind) and namespace, one global
// resourceVersion counter, a bounded history of events for watches that resume from an RV, and
// the JSON file they persist in (written atomically, coalesced, flushed on close). Stored objects
// are never mutated: every write stores a new object.
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../../engine/atomic-file.js";
import { splitApiVersion, storageKey } from "./registry.js";
import type { KubeObject } from "./types.js";

export interface StoredEvent {
  rv: number;
  key: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  /** MODIFIED: the object before, so a filtered watch can tell an object entering or leaving it. */
  previous?: KubeObject;
}

/** How many events a watch can resume across; older RVs get 410 Expired. */
export const HISTORY_LIMIT = 20_000;
const FLUSH_DELAY_MS = 25;

export function keyOfObject(obj: KubeObject): string {
  return storageKey({ group: splitApiVersion(obj.apiVersion).group, kind: obj.kind });
}

type Bucket = Map<string, Map<string, KubeObject>>;

export class ObjectStore {
  rv = 0;
  private readonly buckets = new Map<string, Bucket>();
  private history: StoredEvent[] = [];
  /** A watch from an RV below this cannot be served from history. */
  historyStart = 0;
  private readonly listeners = new Map<string, Set<(e: StoredEvent) => void>>();
  private readonly byUid = new Map<string, KubeObject>();
  private readonly dependents = new Map<string, Set<KubeObject>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private dirty = false;
  private closed = false;

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    let data: { rv?: unknown; objects?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch (err) {
      throw new Error(`${this.file}: not a kube sandbox data file (${(err as Error).message})`);
    }
    if (typeof data.rv !== "number" || !Array.isArray(data.objects)) throw new Error(`${this.file}: not a kube sandbox data file (no rv or objects)`);
    for (const obj of data.objects as KubeObject[]) this.index(keyOfObject(obj), obj);
    this.rv = data.rv;
    this.historyStart = data.rv;
  }

  get(key: string, namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.get(namespace)?.get(name);
  }

  getByUid(uid: string): KubeObject | undefined {
    return this.byUid.get(uid);
  }

  /** Objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): KubeObject[] {
    return [...(this.dependents.get(uid) ?? [])];
  }

  /** Objects of one storage key, in one namespace ("" for cluster-scoped) or all; unsorted. */
  list(key: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    if (namespace !== undefined) return [...(bucket.get(namespace)?.values() ?? [])];
    const out: KubeObject[] = [];
    for (const m of bucket.values()) for (const o of m.values()) out.push(o);
    return out;
  }

  keys(): string[] {
    return [...this.buckets.keys()];
  }

  count(): number {
    return this.byUid.size;
  }

  /** Stores `obj` under a new resourceVersion and tells the watchers; returns the stored object. */
  put(key: string, obj: KubeObject, type: "ADDED" | "MODIFIED"): KubeObject {
    const rv = ++this.rv;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    const previous = this.get(key, stored.metadata.namespace ?? "", stored.metadata.name ?? "");
    if (previous) this.unindex(key, previous);
    this.index(key, stored);
    this.emit({ rv, key, type, object: stored, ...(previous && type === "MODIFIED" ? { previous } : {}) });
    return stored;
  }

  /** Removes `obj`; the DELETED event carries it with the deletion's resourceVersion. */
  remove(key: string, obj: KubeObject): KubeObject {
    const rv = ++this.rv;
    const current = this.get(key, obj.metadata.namespace ?? "", obj.metadata.name ?? "");
    if (current) this.unindex(key, current);
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    this.emit({ rv, key, type: "DELETED", object: gone });
    return gone;
  }

  subscribe(key: string, listener: (e: StoredEvent) => void): () => void {
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
    return () => void set.delete(listener);
  }

  /** Events after `rv`, or undefined when history no longer reaches back that far. */
  eventsSince(rv: number, key: string): StoredEvent[] | undefined {
    if (rv < this.historyStart) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo).filter((e) => e.key === key);
  }

  private emit(event: StoredEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) {
      const drop = this.history.length - HISTORY_LIMIT + 1000;
      this.historyStart = this.history[drop - 1]?.rv ?? this.historyStart;
      this.history = this.history.slice(drop);
    }
    this.scheduleFlush();
    for (const l of this.listeners.get(event.key) ?? []) l(event);
  }

  private index(key: string, obj: KubeObject): void {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    const ns = obj.metadata.namespace ?? "";
    let names = bucket.get(ns);
    if (!names) bucket.set(ns, (names = new Map()));
    names.set(obj.metadata.name ?? "", obj);
    if (obj.metadata.uid) this.byUid.set(obj.metadata.uid, obj);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(obj);
    }
  }

  private unindex(key: string, obj: KubeObject): void {
    const names = this.buckets.get(key)?.get(obj.metadata.namespace ?? "");
    names?.delete(obj.metadata.name ?? "");
    if (names?.size === 0) this.buckets.get(key)?.delete(obj.metadata.namespace ?? "");
    if (obj.metadata.uid) this.byUid.delete(obj.metadata.uid);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(obj);
      if (set?.size === 0) this.dependents.delete(ref.uid);
    }
  }

  private scheduleFlush(): void {
    this.dirty = true;
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().catch((err: unknown) => process.stderr.write(`kube sandbox: cannot write ${this.file}: ${String(err)}\n`));
    }, FLUSH_DELAY_MS);
  }

  /** The last write: later changes (a straggling controller) stay in memory, the file is the closed server's. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Writes the objects out if anything changed since the last write; resolves once on disk. */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.flushing = this.flushing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const objects: KubeObject[] = [];
      for (const bucket of this.buckets.values()) for (const m of bucket.values()) for (const o of m.values()) objects.push(o);
      await writeFileAtomic(this.file, JSON.stringify({ rv: this.rv, objects }));
    });
    return this.flushing;
  }
}
