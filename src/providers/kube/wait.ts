// Waiting for an object to reach a state, through watch: list it (by name), then watch from the
// list's resourceVersion; a watch the server ends or that drops is resumed from the last version
// seen, and an expired version (410) relists. The wait ends when the predicate holds, at its
// timeout (an error naming what it waited for), or when the step's signal aborts.
import { Watch } from "@kubernetes/client-node";
import { ExternalError } from "../../engine/errors.js";
import { backoffDelay } from "../hcloud/pacing.js";
import { refOf, type KubeClient, type KubeObject } from "./client.js";
import { describeRef, type ObjectRef } from "./errors.js";
import { interrupted, sleep } from "./retry.js";

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** What the object is waited for, for messages: "be Established", "be gone". */
  what: string;
  /** Consecutive failed watch connections tolerated before giving up. */
  maxFailures?: number;
  /** Each watch request asks the server to end it after this long (it is then resumed). */
  watchSeconds?: number;
  /** Told each time a watch is open (the server answered its headers): for logs and tests. */
  onWatchOpen?: (resourceVersion: string) => void;
}

type Outcome = { end: "met"; obj: KubeObject | undefined } | { end: "closed"; events: number } | { end: "expired" } | { end: "failed"; err: unknown; events: number };

function seconds(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 100) / 10}s`;
}

export function watchPath(apiVersion: string, plural: string, namespace: string | undefined): string {
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ""}/${plural}`;
}

/** Wait until `done(object)` holds; the object is undefined while (or once) it does not exist. */
export async function waitForObject(client: KubeClient, ref: ObjectRef, done: (obj: KubeObject | undefined) => boolean, opts: WaitOptions): Promise<KubeObject | undefined> {
  const name = describeRef(ref);
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new ExternalError(`timed out after ${seconds(opts.timeoutMs)} waiting for ${name} to ${opts.what}`, false, "timeout")), opts.timeoutMs);
  const onAbort = () => stop.abort(interrupted(`waiting for ${name} to ${opts.what}`));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const reason = () => stop.signal.reason as Error;
  try {
    const { plural, namespaced } = await client.mapping(ref.apiVersion, ref.kind, { signal: stop.signal });
    const path = watchPath(ref.apiVersion, plural, namespaced ? ref.namespace : undefined);
    const fieldSelector = `metadata.name=${ref.name ?? ""}`;
    const watcher = new Watch(client.config);
    let failures = 0;
    for (;;) {
      const list = await client.list(ref.apiVersion, ref.kind, { fieldSelector, signal: stop.signal, ...(namespaced && ref.namespace ? { namespace: ref.namespace } : {}) });
      let current = list.items[0];
      if (done(current)) return current;
      let rv = list.resourceVersion;
      for (;;) {
        if (stop.signal.aborted) throw reason();
        const params = { allowWatchBookmarks: true, fieldSelector, resourceVersion: rv, timeoutSeconds: opts.watchSeconds ?? 300 };
        const outcome = await new Promise<Outcome>((resolve) => {
          let events = 0;
          let ctrl: AbortController | undefined;
          let settled = false;
          const settle = (o: Outcome) => {
            if (settled) return;
            settled = true;
            stop.signal.removeEventListener("abort", onStop);
            ctrl?.abort();
            resolve(o);
          };
          const onStop = () => settle({ end: "failed", err: reason(), events });
          stop.signal.addEventListener("abort", onStop, { once: true });
          const onEvent = (type: string, obj: KubeObject) => {
            if (type === "ERROR") return settle((obj as { code?: number }).code === 410 ? { end: "expired" } : { end: "failed", err: new Error((obj as { message?: string }).message ?? "watch error"), events });
            events++;
            rv = obj.metadata?.resourceVersion ?? rv;
            if (type === "BOOKMARK") return;
            current = type === "DELETED" ? undefined : { ...obj, apiVersion: ref.apiVersion, kind: ref.kind };
            if (done(current)) settle({ end: "met", obj: current });
          };
          const onDone = (err: unknown) => {
            if (!err) return settle({ end: "closed", events });
            settle((err as { statusCode?: number }).statusCode === 410 ? { end: "expired" } : { end: "failed", err, events });
          };
          watcher.watch(path, params, onEvent, onDone).then(
            (c) => {
              if (settled) return c.abort();
              ctrl = c;
              opts.onWatchOpen?.(rv);
            },
            (err: unknown) => settle({ end: "failed", err, events }),
          );
        });
        if (stop.signal.aborted) throw reason();
        if (outcome.end === "met") return outcome.obj;
        if (outcome.end === "expired") break;
        if (outcome.end === "closed") {
          if (outcome.events > 0) failures = 0;
          continue;
        }
        const status = (outcome.err as { statusCode?: number }).statusCode;
        if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
          throw new ExternalError(`${name}: watch failed: HTTP ${status} (${(outcome.err as Error).message}); check the kubeconfig's permissions`, false, `http-${status}`);
        }
        failures = outcome.events > 0 ? 1 : failures + 1;
        if (failures > (opts.maxFailures ?? 10)) {
          throw new ExternalError(`${name}: the watch kept failing while waiting for it to ${opts.what}: ${(outcome.err as Error).message}`, true, "watch");
        }
        await sleep(backoffDelay(failures, 200, 5_000), stop.signal, `waiting for ${name} to ${opts.what}`).catch(() => {
          throw reason();
        });
      }
    }
  } catch (err) {
    throw stop.signal.aborted ? reason() : err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

/** Wait until the object is gone (after a delete: finalizers run, a namespace empties). */
export async function waitGone(client: KubeClient, ref: ObjectRef, opts: Omit<WaitOptions, "what">): Promise<void> {
  await waitForObject(client, ref, (obj) => obj === undefined, { ...opts, what: "be gone" });
}

/** True when the object's status.conditions has `type` with `status` (default "True"). */
export function hasCondition(obj: KubeObject | undefined, type: string, status = "True"): boolean {
  const conditions = (obj?.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions;
  return Array.isArray(conditions) && conditions.some((c) => c.type === type && c.status === status);
}

/** Wait for a condition (`Established`, `Available`, `Ready`) to be `status`; returns the object. */
export async function waitCondition(client: KubeClient, obj: KubeObject | ObjectRef, type: string, opts: Omit<WaitOptions, "what"> & { status?: string }): Promise<KubeObject> {
  const ref = "metadata" in obj ? refOf(obj) : obj;
  const found = await waitForObject(client, ref, (o) => hasCondition(o, type, opts.status), { ...opts, what: `be ${type}` });
  return found as KubeObject;
}
