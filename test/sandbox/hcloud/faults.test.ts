// Seeded fault injection: the fraction matches the rate, the same seed gives the same fates, and a
// dropped connection may come after the request took effect (the case hk must recover from).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { faultPlanner, parseFaultSpec, type Fault } from "../../../src/sandbox/hcloud/faults.js";
import { startHcloudEmulator } from "../../../src/sandbox/hcloud/index.js";
import { loadWorld } from "../../../src/sandbox/hcloud/store.js";

function draw(seed: number, rate: number, n: number): (Fault | undefined)[] {
  const next = faultPlanner({ rate, seed });
  return Array.from({ length: n }, () => next());
}

type Outcome = "ok" | "429" | "5xx" | "dropped";

/** `n` concurrent requests: what each got, and how long each 200 took (a slow answer is a late 200). */
async function hammer(url: string, n: number): Promise<{ counts: Record<Outcome, number>; okMs: number[] }> {
  const counts: Record<Outcome, number> = { ok: 0, "429": 0, "5xx": 0, dropped: 0 };
  const okMs: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async () => {
      const t0 = Date.now();
      try {
        const res = await fetch(`${url}/locations`, { headers: { Authorization: "Bearer t" } });
        await res.text();
        const kind: Outcome = res.status === 429 ? "429" : res.status >= 500 ? "5xx" : "ok";
        counts[kind]++;
        if (kind === "ok") okMs.push(Date.now() - t0);
      } catch {
        counts.dropped++;
      }
    }),
  );
  return { counts, okMs };
}

/** What the planner says `n` requests get: the same counts as `hammer`, and how many answer slowly. */
function planned(spec: { rate: number; seed: number }, n: number): { counts: Record<Outcome, number>; slow: number } {
  const fates = draw(spec.seed, spec.rate, n);
  const count = (kind: string) => fates.filter((f) => f?.kind === kind).length;
  const slow = count("slow");
  return { counts: { ok: fates.filter((f) => f === undefined).length + slow, "429": count("rate_limit"), "5xx": count("server_error"), dropped: count("drop") }, slow };
}

describe("fault injection", () => {
  it("hits about `rate` of requests, mixes all kinds, and repeats per seed", () => {
    const a = draw(42, 0.2, 20_000);
    const hits = a.filter(Boolean);
    expect(hits.length / a.length).toBeGreaterThan(0.18);
    expect(hits.length / a.length).toBeLessThan(0.22);
    for (const kind of ["rate_limit", "server_error", "drop", "slow"]) {
      expect(hits.filter((f) => f?.kind === kind).length / hits.length).toBeGreaterThan(0.2);
    }
    expect(draw(42, 0.2, 500)).toEqual(a.slice(0, 500));
    expect(draw(43, 0.2, 500)).not.toEqual(a.slice(0, 500));
    expect(draw(42, 0, 1000).every((f) => f === undefined)).toBe(true);
  });

  it("parses HK_SANDBOX_FAULTS", () => {
    expect(parseFaultSpec("rate=0.1,seed=42")).toEqual({ rate: 0.1, seed: 42 });
    expect(parseFaultSpec("rate=0.5")).toEqual({ rate: 0.5, seed: 1 });
    expect(parseFaultSpec(undefined)).toBeUndefined();
    expect(() => parseFaultSpec("rate=2")).toThrow(/HK_SANDBOX_FAULTS/);
  });

  it("injects the seeded faults over HTTP, the same multiset for the same seed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hk-faults-"));
    const prev = process.env.HK_SANDBOX_FAULTS;
    try {
      process.env.HK_SANDBOX_FAULTS = "rate=0.3,seed=7";
      const first = await startHcloudEmulator({ dir });
      const a = await hammer(first.url, 120);
      await first.close();
      const second = await startHcloudEmulator({ dir, faults: { rate: 0.3, seed: 7 } });
      const b = await hammer(second.url, 120);
      await second.close();
      // Told apart by what came back, not by how long it took (a loaded machine is slow too): the
      // counts are the planner's, and as many 200s as it planned slow ones took a second or more.
      const plan = planned({ rate: 0.3, seed: 7 }, 120);
      for (const run of [a, b]) {
        expect(run.counts).toEqual(plan.counts);
        expect(run.okMs.sort((x, y) => y - x).slice(0, plan.slow).every((ms) => ms >= 1000)).toBe(true);
      }
      const faulted = 120 - plan.counts.ok + plan.slow;
      expect(faulted / 120).toBeGreaterThan(0.15);
      expect(faulted / 120).toBeLessThan(0.45);
      expect(Math.min(plan.counts["429"], plan.counts["5xx"], plan.counts.dropped, plan.slow)).toBeGreaterThan(0);
    } finally {
      if (prev === undefined) delete process.env.HK_SANDBOX_FAULTS;
      else process.env.HK_SANDBOX_FAULTS = prev;
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("can drop the connection after the request took effect", async () => {
    let seed = 1;
    while (!(draw(seed, 1, 1)[0]?.kind === "drop" && (draw(seed, 1, 1)[0] as { afterEffect: boolean }).afterEffect)) seed++;
    const dir = await mkdtemp(join(tmpdir(), "hk-faults-"));
    const emu = await startHcloudEmulator({ dir, faults: { rate: 1, seed } });
    try {
      const attempt = fetch(`${emu.url}/placement_groups`, {
        method: "POST",
        headers: { Authorization: "Bearer t" },
        body: JSON.stringify({ name: "half-made", type: "spread" }),
      });
      await expect(attempt).rejects.toThrow();
      const world = await loadWorld(join(dir, "hcloud.json"));
      expect(world.placementGroups.map((g) => g.name)).toEqual(["half-made"]);
    } finally {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
