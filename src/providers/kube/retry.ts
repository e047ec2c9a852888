// Bounded retries for requests to a Kubernetes API server: 429 (after its Retry-After), 5xx, and
// connections refused or reset (an API server restarting). Everything else fails at once. Every
// pause is cut short by the step's AbortSignal.
import { ApiException } from "@kubernetes/client-node";
import { ExternalError } from "../../engine/errors.js";
import { backoffDelay } from "../hcloud/pacing.js";
import { isConnectionError } from "./errors.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 200, maxMs: 5_000 };

export function interrupted(what: string): ExternalError {
  return new ExternalError(`interrupted while ${what}`, false, "interrupted");
}

/** Sleep `ms`, or reject with `interrupted(what)` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(interrupted(what));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted(what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How long to wait before trying again, or undefined when the failure is not worth a retry. */
export function retryDelay(err: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  if (err instanceof ApiException) {
    if (err.code === 429) {
      const after = Number(err.headers["retry-after"]);
      return Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, policy.maxMs * 4) : backoffDelay(attempt, policy.baseMs, policy.maxMs);
    }
    if ([500, 502, 503, 504].includes(err.code)) return backoffDelay(attempt, policy.baseMs, policy.maxMs);
    return undefined;
  }
  return isConnectionError(err) ? backoffDelay(attempt, policy.baseMs, policy.maxMs) : undefined;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || (err as { type?: unknown }).type === "aborted");
}

/**
 * Run `call` until it succeeds, fails for good, or the tries run out (the last error is thrown).
 * `what` names the work for the interruption message.
 */
export async function withRetry<T>(call: () => Promise<T>, opts: { signal: AbortSignal | undefined; what: string; policy?: RetryPolicy }): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw interrupted(opts.what);
    try {
      return await call();
    } catch (err) {
      if (opts.signal?.aborted || isAbort(err)) throw interrupted(opts.what);
      const delay = retryDelay(err, attempt, policy);
      if (delay === undefined || attempt >= policy.attempts) throw err;
      await sleep(delay, opts.signal, opts.what);
    }
  }
}
