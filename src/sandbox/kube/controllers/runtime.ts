// The loop every simulated controller runs in, as client-go's informers and work queues give real
// ones: watch events become keys, keys are deduplicated and reconciled a moment later (on the next
// turn of the event loop, never inside the write that caused the event), and a write that lost a
// race (409) is retried against the object as it is now.
import { StatusError } from "../status.js";
import type { ClusterApi, KubeObject, WatchEvent } from "../types.js";

/** One kind a controller watches, and which of its own objects' keys an event concerns. */
export interface Watched {
  apiVersion: string;
  kind: string;
  keys(event: WatchEvent): string[];
}

/** A reconciler of one kind: `reconcile("ns/name")` makes the world match that object. */
export interface Controller {
  name: string;
  /** Listed at start, so objects stored before a restart are reconciled too. */
  primary: { apiVersion: string; kind: string };
  watches: Watched[];
  reconcile(key: string): void;
}

const MAX_ATTEMPTS = 20;
const RETRY_MS = 5;
/** Reconciles per turn of the event loop, so a burst never starves the HTTP server. */
const BATCH = 200;

export function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf("/");
  const ns = key.slice(0, slash);
  return { namespace: ns === "" ? undefined : ns, name: key.slice(slash + 1) };
}

/** Runs `controllers` against `api` until the returned stop is called. */
export function runControllers(api: ClusterApi, controllers: Controller[]): () => void {
  const queue = new Map<string, { controller: Controller; key: string; attempts: number }>();
  const timers = new Set<NodeJS.Timeout>();
  let scheduled: NodeJS.Immediate | undefined;
  let stopped = false;

  const schedule = (): void => {
    if (!scheduled && !stopped) scheduled = setImmediate(drain);
  };
  const enqueue = (controller: Controller, key: string, attempts = 0): void => {
    const id = `${controller.name}|${key}`;
    const queued = queue.get(id);
    if (!queued) queue.set(id, { controller, key, attempts });
    else queued.attempts = Math.max(queued.attempts, attempts);
    schedule();
  };

  function drain(): void {
    scheduled = undefined;
    let done = 0;
    for (const [id, item] of queue) {
      if (stopped || done++ >= BATCH) break;
      queue.delete(id);
      try {
        item.controller.reconcile(item.key);
      } catch (err) {
        retryOrReport(item, err);
      }
    }
    if (queue.size > 0) schedule();
  }

  function retryOrReport(item: { controller: Controller; key: string; attempts: number }, err: unknown): void {
    // NotFound: the object (or its owner) went away meanwhile; its own event requeues what is left.
    if (err instanceof StatusError && err.code === 404) return;
    if (item.attempts + 1 >= MAX_ATTEMPTS) {
      process.stderr.write(`kube sandbox: ${item.controller.name} gave up on ${item.key}: ${(err as Error).message}\n`);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) enqueue(item.controller, item.key, item.attempts + 1);
    }, RETRY_MS * (item.attempts + 1));
    timers.add(timer);
  }

  const unsubscribes: (() => void)[] = [];
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

  return () => {
    stopped = true;
    for (const u of unsubscribes) u();
    for (const t of timers) clearTimeout(t);
    if (scheduled) clearImmediate(scheduled);
    queue.clear();
  };
}

/** The watch of a controller's own kind: each event concerns the object itself. */
export function self(apiVersion: string, kind: string): Watched {
  return { apiVersion, kind, keys: (e) => [keyOf(e.object)] };
}

/** A watch of dependents (Pods, ReplicaSets): each event concerns its controlling owner of `ownerKind`. */
export function owned(apiVersion: string, kind: string, ownerKind: string): Watched {
  return {
    apiVersion,
    kind,
    keys: (e) => {
      const ref = e.object.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === ownerKind);
      return ref ? [`${e.object.metadata.namespace ?? ""}/${ref.name}`] : [];
    },
  };
}
