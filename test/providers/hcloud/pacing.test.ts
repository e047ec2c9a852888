// Backoff bounds and the rate budget's arithmetic.
import { describe, expect, it } from "vitest";
import { backoffDelay, RateBudget } from "../../../src/providers/hcloud/pacing.js";

const headers = (limit: number, remaining: number, resetS: number) => new Headers({ "RateLimit-Limit": String(limit), "RateLimit-Remaining": String(remaining), "RateLimit-Reset": String(resetS) });

describe("backoff", () => {
  it.each([1, 2, 5, 20])("attempt %i stays within half and all of the capped ceiling", (attempt) => {
    const ceiling = Math.min(1_000, 100 * 2 ** (attempt - 1));
    expect(backoffDelay(attempt, 100, 1_000, () => 0)).toBe(ceiling / 2);
    expect(backoffDelay(attempt, 100, 1_000, () => 0.999999)).toBeLessThanOrEqual(ceiling);
  });
});

describe("rate budget", () => {
  it("lets requests through above the floor", () => {
    const b = new RateBudget({ floorFraction: 0.1, maxGapMs: 30_000 });
    b.observe(headers(3600, 400, 1_000));
    expect(b.low).toBe(false);
    expect(b.delayBeforeRequest(0)).toBe(0);
  });

  it("spaces requests two refill intervals apart below the floor", () => {
    const b = new RateBudget({ floorFraction: 0.1, maxGapMs: 30_000 });
    // 3600/h, 100 left, full again in 3500 s: one request back per second.
    b.observe(headers(3600, 100, 3_500));
    expect(b.low).toBe(true);
    expect(b.delayBeforeRequest(0)).toBe(0);
    expect(b.delayBeforeRequest(0)).toBe(2_000);
    expect(b.delayBeforeRequest(500)).toBe(3_500);
  });

  it("bounds the wait after a 429", () => {
    const b = new RateBudget({ floorFraction: 0.1, maxGapMs: 30_000 });
    b.observe(headers(3600, 0, 3_600));
    expect(b.waitAfterLimit(1_000, 60_000, 0)).toBe(60_000);
    b.observe(headers(3600, 0, 2));
    expect(b.waitAfterLimit(1_000, 60_000, 0)).toBe(2_000);
  });
});
