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

type Outcome = "ok" | "429" | "5xx" | "dropped" | "slow";

async function hammer(url: string, n: number): Promise<Record<Outcome, number>> {
  const counts: Record<Outcome, number> = { ok: 0, "429": 0, "5xx": 0, dropped: 0, slow: 0 };
  await Promise.all(
    Array.from({ length: n }, async () => {
      const t0 = Date.now();
      try {
        const res = await fetch(`${url}/locations`, { headers: { Authorization: "Bearer t" } });
        await res.text();
        const kind: Outcome = res.status === 429 ? "429" : res.status >= 500 ? "5xx" : Date.now() - t0 >= 900 ? "slow" : "ok";
        counts[kind]++;
      } catch {
        counts.dropped++;
      }
    }),
  );
  return counts;
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
      expect(b).toEqual(a);
      const faulted = 120 - a.ok;
      expect(faulted / 120).toBeGreaterThan(0.15);
      expect(faulted / 120).toBeLessThan(0.45);
      expect(a["429"] + a["5xx"] + a.dropped + a.slow).toBe(faulted);
      expect(Math.min(a["429"], a["5xx"], a.dropped, a.slow)).toBeGreaterThan(0);
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
