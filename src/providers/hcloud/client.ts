// The Hetzner Cloud API client: one authenticated transport with bounded retries, pacing under the
// shared rate budget, pagination and action waiting. Resource modules are small functions on top.
// The token lives only in a closure: it is never part of a message, a log line or an inspected object.
import type { z } from "zod";
import { AbortError, ExternalError } from "../../engine/errors.js";
import { waitForActions, waitRunningOn, type WaitOptions } from "./actions.js";
import { apiError, buildUrl, externalError, unauthorizedError, type ApiFailure, type Query } from "./api-error.js";
import { backoffDelay, interrupted, RateBudget, sleep } from "./pacing.js";
import { collectPages } from "./paging.js";
import { paginationSchema, type Action } from "./schemas.js";

export const DEFAULT_ENDPOINT = "https://api.hetzner.cloud/v1";

/** `connection failed (ECONNREFUSED)`: fetch hides the system error in its cause. */
function connectionFailure(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? `connection failed (${cause.code})` : "connection failed";
}

/** One HTTP exchange, for hooks that count or log calls (status 0: no answer). */
export interface RequestInfo {
  method: string;
  path: string;
  status: number;
  attempt: number;
}

export interface HcloudClientOptions {
  token: string;
  /** API base URL; default https://api.hetzner.cloud/v1 (HCLOUD_ENDPOINT, like the official CLI). */
  endpoint?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Attempts per request for 5xx, timeouts, dropped connections, `conflict` and `locked`. */
  maxAttempts?: number;
  backoffMs?: { base: number; max: number };
  /** How long one 429 may make a request wait (until RateLimit-Reset, within these bounds). */
  rateLimitWaitMs?: { min: number; max: number };
  /** 429 answers tolerated per request before giving up. */
  maxRateLimited?: number;
  /** Share of RateLimit-Limit below which requests are paced out; default 0.1. */
  rateFloor?: number;
  /** Longest gap pacing adds between requests. */
  maxPaceMs?: number;
  /** Action polling: first interval, growing ×1.5 up to max. */
  pollMs?: { initial: number; max: number };
  /** Give up waiting for one action after this long. */
  actionTimeoutMs?: number;
  onRequest?: (info: RequestInfo) => void;
}

export interface RequestOptions<T> {
  query?: Query;
  body?: unknown;
  schema: z.ZodType<T>;
  /**
   * For creates: after an answer that may have come after the object was made (timeout, dropped
   * connection, 5xx, then `uniqueness_error`), look for it instead of making a second one.
   */
  recover?: () => Promise<T | undefined>;
}

interface Settings {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: { base: number; max: number };
  rateLimitWaitMs: { min: number; max: number };
  maxRateLimited: number;
  pollMs: { initial: number; max: number };
  actionTimeoutMs: number;
}

interface Shared {
  base: string;
  authorization: () => string;
  scrub: (text: string) => string;
  settings: Settings;
  budget: RateBudget;
  cache: Map<string, Promise<unknown>>;
  onRequest: ((info: RequestInfo) => void) | undefined;
}

export class HcloudClient {
  private constructor(
    private readonly shared: Shared,
    /** The step's signal: every request and wait stops when it aborts. */
    readonly signal: AbortSignal | undefined,
  ) {}

  static create(opts: HcloudClientOptions): HcloudClient {
    const token = opts.token;
    if (token.trim() === "") throw new AbortError("HCLOUD_TOKEN is empty", "export HCLOUD_TOKEN=<a read & write API token of the project>");
    const settings: Settings = {
      timeoutMs: opts.timeoutMs ?? 30_000,
      maxAttempts: opts.maxAttempts ?? 5,
      backoffMs: opts.backoffMs ?? { base: 500, max: 10_000 },
      rateLimitWaitMs: opts.rateLimitWaitMs ?? { min: 1_000, max: 60_000 },
      maxRateLimited: opts.maxRateLimited ?? 10,
      pollMs: opts.pollMs ?? { initial: 500, max: 5_000 },
      actionTimeoutMs: opts.actionTimeoutMs ?? 30 * 60_000,
    };
    return new HcloudClient(
      {
        base: (opts.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, ""),
        authorization: () => `Bearer ${token}`,
        scrub: (text) => text.split(token).join("[token]"),
        settings,
        budget: new RateBudget({ floorFraction: opts.rateFloor ?? 0.1, maxGapMs: opts.maxPaceMs ?? 30_000 }),
        cache: new Map(),
        onRequest: opts.onRequest,
      },
      undefined,
    );
  }

  /** The same client (budget, caches) bound to a step's signal. */
  withSignal(signal: AbortSignal): HcloudClient {
    return new HcloudClient(this.shared, signal);
  }

  get endpoint(): string {
    return this.shared.base;
  }

  get settings(): Readonly<Settings> {
    return this.shared.settings;
  }

  /** What the last answer said about the shared request budget. */
  get budget(): { limit: number | undefined; remaining: number | undefined } {
    return { limit: this.shared.budget.limit, remaining: this.shared.budget.remaining };
  }

  /** A value computed once per client (one run), e.g. the price list. */
  cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.shared.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.shared.cache.set(key, p);
      p.catch(() => this.shared.cache.delete(key));
    }
    return p;
  }

  /** A cheap authenticated GET: throws AbortError when the token is rejected, before anything changes. */
  async verify(): Promise<void> {
    await this.request("GET", "/locations", { query: { per_page: 1 }, schema: paginationSchema });
  }

  /**
   * Whether the token may write, asked without changing anything: an update of an SSH key that
   * cannot exist (id 0). The API refuses a read-only token for any method but GET before it looks
   * the object up (token_readonly); a Read & Write token gets not_found. Throws AbortError for
   * the former; any other answer means writes are allowed.
   */
  async verifyWritable(): Promise<void> {
    try {
      await this.request("PUT", "/ssh_keys/0", { body: {}, schema: paginationSchema });
    } catch (err) {
      if (err instanceof AbortError) throw err;
    }
  }

  async request<T>(method: string, path: string, opts: RequestOptions<T>): Promise<T> {
    const s = this.shared.settings;
    const url = buildUrl(this.shared.base, path, opts.query);
    const what = `${method} ${path}`;
    let attempt = 0;
    let limited = 0;
    let ambiguous = false;
    for (;;) {
      attempt++;
      await sleep(this.shared.budget.delayBeforeRequest(), this.signal);
      let answer: { status: number; text: string; headers: Headers } | undefined;
      let failure = "";
      try {
        answer = await this.send(method, url, opts.body);
      } catch (err) {
        if (this.signal?.aborted) throw interrupted();
        failure = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${s.timeoutMs} ms` : connectionFailure(err);
      }
      this.shared.onRequest?.({ method, path, status: answer?.status ?? 0, attempt });
      if (answer && answer.status < 300) return this.parse(what, answer, opts.schema);
      const err = answer ? apiError(answer.status, answer.text) : undefined;
      // Hetzner answers a read-only token's write with token_readonly (403; the sandbox says 401).
      if (err?.status === 401 || err?.code === "token_readonly") throw unauthorizedError({ ...err, message: this.shared.scrub(err.message) });
      if (err?.status === 429) {
        if (++limited > s.maxRateLimited) throw this.external(what, err, true);
        attempt--;
        // An empty bucket waits for RateLimit-Reset (bounded); a 429 while the headers still show
        // budget left is a passing refusal and gets a short backoff instead.
        const empty = (this.shared.budget.remaining ?? 0) <= 0;
        const wait = empty ? this.shared.budget.waitAfterLimit(s.rateLimitWaitMs.min, s.rateLimitWaitMs.max) : backoffDelay(limited, s.backoffMs.base, s.backoffMs.max);
        await sleep(wait, this.signal);
        continue;
      }
      if (err?.code === "uniqueness_error" && ambiguous && opts.recover) {
        const found = await opts.recover();
        if (found !== undefined) return found;
      }
      const transient = !err || err.status >= 500 || err.code === "conflict" || err.code === "locked";
      if (!transient) throw this.external(what, err);
      if (attempt >= s.maxAttempts) {
        if (err) throw this.external(what, err, true, attempt);
        // Name the endpoint when it is not Hetzner's own: a wrong HCLOUD_ENDPOINT is the usual cause.
        const at = this.shared.base === DEFAULT_ENDPOINT ? "" : ` at ${this.shared.base}`;
        throw new ExternalError(`Hetzner Cloud API ${what}${at}: ${failure} (${attempt} attempts)`, true, "network");
      }
      if (method !== "GET" && (!err || err.status >= 500)) ambiguous = true;
      if (err?.code === "locked") await this.waitUnlocked(path);
      else await sleep(backoffDelay(attempt, s.backoffMs.base, s.backoffMs.max), this.signal);
      if (ambiguous && opts.recover) {
        const found = await opts.recover();
        if (found !== undefined) return found;
      }
    }
  }

  /** Every item of a list endpoint, 50 per page (src/providers/hcloud/paging.ts: how pages are fetched). */
  async list<T>(path: string, key: string, item: z.ZodType<T>, query: Query = {}): Promise<T[]> {
    return collectPages(async (page) => {
      const body: z.infer<typeof paginationSchema> = await this.request("GET", path, { query: { ...query, page, per_page: 50 }, schema: paginationSchema.loose() });
      const items = (body as Record<string, unknown>)[key];
      if (!Array.isArray(items)) throw new ExternalError(`Hetzner Cloud API GET ${path}: answer has no "${key}" list`);
      return { items: items.map((raw) => this.check(`GET ${path}`, item, raw)), next: body.meta?.pagination?.next_page, last: body.meta?.pagination?.last_page };
    });
  }

  /** Wait until every action succeeded; an action that ends in error throws its code and message. */
  async waitActions(actions: readonly (Action | number)[], opts: WaitOptions = {}): Promise<void> {
    await waitForActions(this, actions, opts);
  }

  /** Validate a value with a schema, as an ExternalError naming the request when it does not fit. */
  check<T>(what: string, schema: z.ZodType<T>, value: unknown): T {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const where = issue ? `${issue.path.join(".")}: ${issue.message}` : "shape";
    throw new ExternalError(`Hetzner Cloud API ${what}: unexpected answer (${this.shared.scrub(where)})`);
  }

  private async waitUnlocked(path: string): Promise<void> {
    const m = /^\/[a-z_]+\/\d+/.exec(path);
    if (m) {
      try {
        if ((await waitRunningOn(this, m[0])) > 0) return;
      } catch (err) {
        if (this.signal?.aborted) throw interrupted();
        if (!(err instanceof ExternalError)) throw err;
      }
    }
    await sleep(this.shared.settings.backoffMs.base, this.signal);
  }

  private async send(method: string, url: string, body: unknown): Promise<{ status: number; text: string; headers: Headers }> {
    const timeout = AbortSignal.timeout(this.shared.settings.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Authorization: this.shared.authorization(), "User-Agent": "hk" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const init: RequestInit = { method, headers, signal };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(url, init);
    const text = await res.text();
    this.shared.budget.observe(res.headers);
    return { status: res.status, text, headers: res.headers };
  }

  private parse<T>(what: string, answer: { status: number; text: string }, schema: z.ZodType<T>): T {
    let value: unknown = undefined;
    if (answer.text.trim() !== "") {
      try {
        value = JSON.parse(answer.text);
      } catch {
        throw new ExternalError(`Hetzner Cloud API ${what}: answer is not JSON (HTTP ${answer.status})`, true);
      }
    }
    return this.check(what, schema, value);
  }

  private external(what: string, err: ApiFailure, retryable = false, attempts?: number): ExternalError {
    return externalError(what, { ...err, message: this.shared.scrub(err.message) }, retryable, attempts);
  }
}
