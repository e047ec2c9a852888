// SIGKILL hk at several points of an apply; the next apply converges and creates nothing twice.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import type { FakeWorldData } from "../support/fake-world.js";
import { until } from "../support/until.js";

// Every test here runs several hk processes, each taking seconds on a loaded machine: the suite's
// 60 s per test is not enough there, and a timeout is not what these tests are about.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const config = join(import.meta.dirname, "..", "fixtures", "stacks", "chain.config.ts");

function world(path: string): FakeWorldData {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as FakeWorldData) : { nextId: 1, objects: {}, log: [] };
}

async function killAfterCreates(dir: string, env: Record<string, string>, creates: number, extraMs: number): Promise<void> {
  // Calls hang once they made the world's `creates`-th object (test/support/fake-hold.ts), so a kill
  // at once lands inside a create whose object exists; with a wait after, the last create (the
  // 8th) hangs, so the kill lands before hk can finish, however slow the machine.
  const hold = { HK_FAKE_HOLD_FROM: String(extraMs === 0 ? creates : 8) };
  const run = startHk(["apply", "--auto-approve", "--json", "-c", config, "--state", join(dir, "hk.state.json")], { cwd: dir, env: { ...env, ...hold } });
  const worldPath = env.HK_FAKE_WORLD as string;
  let ended = false;
  void run.done.then(() => (ended = true));
  try {
    await until(`${creates} create(s) in the fake world`, () => world(worldPath).log.filter((l) => l.startsWith("create")).length >= creates, {
      timeoutMs: 120_000,
      failIf: () => (ended ? "hk ended first" : undefined),
    });
    if (extraMs > 0) await sleep(extraMs);
  } finally {
    run.child.kill("SIGKILL");
  }
  const r = await run.done;
  expect(r.signal).toBe("SIGKILL");
}

describe("crash safety", () => {
  // (creates seen, then wait ms): inside a create after its object exists, between steps, mid-walk, near the end
  const points: Array<[number, number]> = [
    [1, 0],
    [1, 60],
    [2, 150],
    [4, 0],
    [5, 100],
    [7, 30],
  ];
  for (const [creates, extraMs] of points) {
    it(`killed after ${creates} create(s) + ${extraMs} ms, the next apply converges`, async () => {
      const dir = tempDir("hk-crash-");
      const env = { HK_FAKE_WORLD: join(dir, "world.json"), HK_FAKE_DELAY: "120" };
      await killAfterCreates(dir, env, creates, extraMs);
      const state = join(dir, "hk.state.json");
      // What finished before the kill is in the state (file or journal) and readable as it is.
      const listed = await hk(["state", "list", "-c", config, "--state", state], { cwd: dir, env });
      expect(listed.code).toBe(0);
      expect(listed.stdout.trim().split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(creates - 2);
      const second = await hk(["apply", "--auto-approve", "-c", config, "--state", state], { cwd: dir, env });
      expect(second.stderr).toBe("");
      expect(second.code).toBe(0);
      // Killed right after an object was made (its create still waiting): found and adopted.
      if (extraMs === 0) expect(second.stdout).toMatch(/found the object it made \(id fake-\d+\); adopted into the state/);
      const w = world(env.HK_FAKE_WORLD);
      const owners = Object.values(w.objects).map((o) => o.owner).sort();
      expect(owners).toEqual(["fake.a1", "fake.a2", "fake.a3", "fake.b1", "fake.b2", "fake.b3", "fake.c1", "fake.c2"]);
      expect(w.log.filter((l) => l.startsWith("create"))).toHaveLength(8);
      const again = await hk(["plan", "--detailed-exitcode", "-c", config, "--state", state], { cwd: dir, env });
      expect(again.code).toBe(0);
      expect(readFileSync(state, "utf8")).not.toContain("t0ps3cret");
      expect(existsSync(`${state}.lock`)).toBe(false);
      expect(existsSync(`${state}.journal`)).toBe(false);
    });
  }
});
