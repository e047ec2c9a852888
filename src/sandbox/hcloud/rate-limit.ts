// The API's rate limit: a bucket of `limit` requests per hour and token, refilled gradually
// (+limit/3600 per second), bursts allowed. Every answer carries RateLimit-* headers.

export interface RateState {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): RateState {
    const now = this.now();
    const perMs = this.limit / 3_600_000;
    const b = this.buckets.get(key) ?? { tokens: this.limit, at: now };
    b.tokens = Math.min(this.limit, b.tokens + (now - b.at) * perMs);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.buckets.set(key, b);
    const missing = this.limit - b.tokens;
    const reset = Math.ceil((now + missing / perMs) / 1000);
    return {
      allowed,
      headers: {
        "RateLimit-Limit": String(this.limit),
        "RateLimit-Remaining": String(Math.floor(b.tokens)),
        "RateLimit-Reset": String(reset),
      },
    };
  }
}
