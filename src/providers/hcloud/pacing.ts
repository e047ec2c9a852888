// Waiting helpers for the client: abortable sleeps, jittered backoff, and the rate budget that
// hk shares with CAPH and the CCM (one bucket of RateLimit-Limit requests per hour per project).
import { ExternalError } from "../../engine/errors.js";

/** The error every wait throws when the step's signal aborts (second Ctrl-C). */
export function interrupted(): ExternalError {
  return new ExternalError("interrupted before the Hetzner Cloud API answered", false, "interrupted");
}

/** Sleep `ms`, or throw `interrupted()` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(interrupted());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Exponential backoff with jitter: between half and all of base·2^(attempt-1), capped at max. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RateBudgetOptions {
  /** Below this share of the hourly limit, requests are spaced out instead of sent at once. */
  floorFraction: number;
  /** Longest gap pacing puts between two requests. */
  maxGapMs: number;
}

/**
 * What the last response said about the project's request budget. Above the floor requests go out
 * at once; below it each takes a slot two refill intervals after the previous one, so hk uses at
 * most half of what refills and CAPH and the CCM are never starved by a burst of hk's.
 */
export class RateBudget {
  limit: number | undefined;
  remaining: number | undefined;
  /** When the bucket is full again (ms since the epoch). */
  resetAt: number | undefined;
  private nextSlot = 0;

  constructor(private readonly opts: RateBudgetOptions) {}

  observe(headers: Headers): void {
    const num = (name: string) => {
      const v = headers.get(name);
      const n = v === null ? NaN : Number(v);
      return Number.isFinite(n) ? n : undefined;
    };
    const limit = num("ratelimit-limit");
    const remaining = num("ratelimit-remaining");
    const reset = num("ratelimit-reset");
    if (limit !== undefined) this.limit = limit;
    if (remaining !== undefined) this.remaining = remaining;
    if (reset !== undefined) this.resetAt = reset * 1000;
  }

  /** True when the last answer put the budget under the floor. */
  get low(): boolean {
    if (this.limit === undefined || this.remaining === undefined) return false;
    return this.remaining < Math.ceil(this.limit * this.opts.floorFraction);
  }

  /** How long the next request should wait before going out (0 above the floor). */
  delayBeforeRequest(now = Date.now()): number {
    if (!this.low || this.limit === undefined || this.remaining === undefined) return 0;
    const missing = Math.max(1, this.limit - this.remaining);
    const untilFull = this.resetAt === undefined ? 3_600_000 : Math.max(0, this.resetAt - now);
    const refill = this.resetAt === undefined ? 3_600_000 / this.limit : untilFull / missing;
    const gap = Math.min(this.opts.maxGapMs, 2 * refill);
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + gap;
    return slot - now;
  }

  /** After a 429: how long until the bucket has room again, within [min, max]. */
  waitAfterLimit(min: number, max: number, now = Date.now()): number {
    const until = this.resetAt === undefined ? min : this.resetAt - now;
    return Math.min(max, Math.max(min, until));
  }
}
