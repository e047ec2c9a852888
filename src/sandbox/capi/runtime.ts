// The loop the simulated Cluster API providers run in, as controller-runtime gives the real ones:
// watch events become keys, a key is reconciled by one worker at a time (never two reconciles of
// one object at once), a reconcile may ask to be requeued after a while (a server still booting),
// and a failed one is retried with capped backoff, for as long as the controller runs, as the
// real ones do. Reconciles are async: they call the Hetzner emulator and wait on the timing model.
import { StatusError } from "../kube/status.js";
import { keyOf, self, splitKey, type Watched } from "../kube/controllers/runtime.js";
import type { ClusterApi, KubeObject } from "../kube/types.js";

/** One kind a controller watches, and which keys an event concerns: as for the built-in controllers. */
export type AsyncWatched = Watched;

export type ReconcileResult = void | { requeueAfterMs: number };

export interface AsyncController {
  /** e.g. "caph/hetznercluster": named in the log lines of failed reconciles. */
  name: string;
  primary: { apiVersion: string; kind: string };
  watches: AsyncWatched[];
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult>;
}

const MAX_BACKOFF_MS = 2_000;

// Keys are the built-in controllers' `namespace/name`, and a controller's own kind is watched the same way.
export { keyOf, self, splitKey };

/** Events of `kind` concern their owner of `ownerKind` (any owner reference, controller or not). */
export function ownedBy(apiVersion: string, kind: string, ownerKind: string): AsyncWatched {
  return {
    apiVersion,
    kind,
    keys: (e) => (e.object.metadata.ownerReferences ?? []).filter((r) => r.kind === ownerKind).map((r) => `${e.object.metadata.namespace ?? ""}/${r.name}`),
  };
}

/** Events of `kind` concern every object of the primary kind named by `map` (e.g. from a label). */
export function mapped(apiVersion: string, kind: string, map: (obj: KubeObject) => string[]): AsyncWatched {
  return { apiVersion, kind, keys: (e) => map(e.object) };
}

export interface RunningControllers {
  /** Resolves once no reconcile is running or queued (for tests that wait on a quiet world). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `controllers` against `api` until stop(); `log` gets a line per failed reconcile. */
export function runAsyncControllers(api: ClusterApi, controllers: AsyncController[], log: (line: string) => void): RunningControllers {
  const abort = new AbortController();
  const queued = new Map<string, { controller: AsyncController; key: string }>();
  const running = new Set<string>();
  const attempts = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const inflight = new Set<Promise<void>>();
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (queued.size === 0 && running.size === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };

  const enqueue = (controller: AsyncController, key: string): void => {
    if (abort.signal.aborted) return;
    const id = `${controller.name}|${key}`;
    const t = timers.get(id);
    if (t) {
      clearTimeout(t);
      timers.delete(id);
    }
    queued.set(id, { controller, key });
    setImmediate(pump);
  };

  const later = (controller: AsyncController, key: string, ms: number): void => {
    const id = `${controller.name}|${key}`;
    if (abort.signal.aborted || timers.has(id)) return;
    const timer = setTimeout(() => {
      timers.delete(id);
      enqueue(controller, key);
    }, ms);
    timers.set(id, timer);
  };

  function pump(): void {
    for (const [id, item] of queued) {
      if (abort.signal.aborted) return;
      if (running.has(id)) continue; // one worker per key: it is picked up again when the running one ends
      queued.delete(id);
      running.add(id);
      const p = (async () => {
        try {
          const result = await item.controller.reconcile(item.key, abort.signal);
          attempts.delete(id);
          if (result && result.requeueAfterMs >= 0) later(item.controller, item.key, result.requeueAfterMs);
        } catch (err) {
          if (abort.signal.aborted) return;
          // NotFound: the object went away meanwhile; its own event requeues what is left.
          if (err instanceof StatusError && err.code === 404) return;
          const n = (attempts.get(id) ?? 0) + 1;
          attempts.set(id, n);
          if (n === 1 || n % 10 === 0) log(`${item.controller.name} ${item.key}: ${(err as Error).message} (retrying)`);
          later(item.controller, item.key, Math.min(MAX_BACKOFF_MS, 10 * 2 ** Math.min(n, 10)));
        } finally {
          running.delete(id);
          if (queued.has(id)) setImmediate(pump);
          settleIdle();
        }
      })();
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    settleIdle();
  }

  const unsubscribes: Array<() => void> = [];
  for (const controller of controllers) {
    for (const w of controller.watches) {
      if (!api.kindFor(w.apiVersion, w.kind)) continue;
      unsubscribes.push(api.watch(w.apiVersion, w.kind, (event) => {
        for (const key of w.keys(event)) enqueue(controller, key);
      }));
    }
    const { apiVersion, kind } = controller.primary;
    if (api.kindFor(apiVersion, kind)) for (const obj of api.list(apiVersion, kind)) enqueue(controller, keyOf(obj));
  }
  unsubscribes.push(...onUnpause(api, (cluster) => {
    for (const controller of controllers) for (const key of clusterObjects(api, controller, cluster)) enqueue(controller, key);
  }));

  return {
    idle: () => new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      settleIdle();
    }),
    async stop() {
      abort.abort(new Error("controllers stopped"));
      for (const u of unsubscribes) u();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      queued.clear();
      await Promise.allSettled([...inflight]);
      settleIdle();
    },
  };
}

const CLUSTER = { apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Cluster" };

/**
 * Calls `then` when a Cluster stops being paused (clusterctl move's last step in the target). Every
 * Cluster API controller watches Clusters with a ClusterUnpaused predicate for this: the objects
 * moved in arrived while their Cluster was paused, were left alone, and nothing else would bring
 * them back (a moved Machine would never get its nodeRef).
 */
function onUnpause(api: ClusterApi, then: (cluster: KubeObject) => void): Array<() => void> {
  if (!api.kindFor(CLUSTER.apiVersion, CLUSTER.kind)) return [];
  const paused = new Set(api.list(CLUSTER.apiVersion, CLUSTER.kind).filter((c) => isPaused(api, c)).map(keyOf));
  return [
    api.watch(CLUSTER.apiVersion, CLUSTER.kind, (event) => {
      const key = keyOf(event.object);
      const now = event.type !== "DELETED" && isPaused(api, event.object);
      if (now) paused.add(key);
      else if (paused.delete(key) && event.type !== "DELETED") then(event.object);
    }),
  ];
}

/** The controller's objects that belong to `cluster`: its label, or the Cluster itself. */
function clusterObjects(api: ClusterApi, controller: AsyncController, cluster: KubeObject): string[] {
  const { apiVersion, kind } = controller.primary;
  if (!api.kindFor(apiVersion, kind)) return [];
  const name = cluster.metadata.name ?? "";
  return api
    .list(apiVersion, kind, cluster.metadata.namespace)
    .filter((o) => (kind === CLUSTER.kind && o.metadata.name === name) || o.metadata.labels?.["cluster.x-k8s.io/cluster-name"] === name || o.metadata.labels?.["cluster.x-k8s.io/cluster-name"] === undefined)
    .map(keyOf);
}

/**
 * Whether Cluster API asks controllers to leave `obj` alone: the object or its Cluster (label
 * cluster.x-k8s.io/cluster-name, or the object itself when it is the Cluster) is paused, by
 * spec.paused or the cluster.x-k8s.io/paused annotation, as clusterctl move sets them.
 */
export function isPaused(api: ClusterApi, obj: KubeObject): boolean {
  if (obj.metadata.annotations?.["cluster.x-k8s.io/paused"] !== undefined) return true;
  const clusterName = obj.kind === "Cluster" && obj.apiVersion.startsWith("cluster.x-k8s.io/") ? obj.metadata.name : obj.metadata.labels?.["cluster.x-k8s.io/cluster-name"];
  if (!clusterName) return false;
  const cluster = obj.kind === "Cluster" ? obj : api.get("cluster.x-k8s.io/v1beta1", "Cluster", obj.metadata.namespace, clusterName);
  if (!cluster) return false;
  if (cluster.metadata.annotations?.["cluster.x-k8s.io/paused"] !== undefined) return true;
  return (cluster.spec as { paused?: boolean } | undefined)?.paused === true;
}
