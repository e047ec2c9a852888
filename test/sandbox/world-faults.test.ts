// Faults belong to whoever serves the world: an hk that joins a served world cannot add its own
// HK_SANDBOX_FAULTS, so it says, once, that they are ignored and how to get them (issue 7, item 13).
import { copyFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSandbox, serveSandbox } from "../../src/sandbox/world.js";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";

const IGNORED = /HK_SANDBOX_FAULTS=rate=0\.2,seed=7 is ignored: the sandbox world in \S+ is served by hk sandbox serve \(pid \d+ on [^)]+\), which decides the faults \(it injects none\); to rehearse with these, restart it as hk sandbox serve --faults rate=0\.2,seed=7/;

describe("HK_SANDBOX_FAULTS beside a served world", () => {
  let dir: string;
  const saved = process.env.HK_SANDBOX_FAULTS;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "hk-world-faults-"));
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.HK_SANDBOX_FAULTS;
    else process.env.HK_SANDBOX_FAULTS = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it("a joining process is warned when it asks for other faults than the holder injects", async () => {
    delete process.env.HK_SANDBOX_FAULTS;
    const holder = await serveSandbox(dir, { actionMs: 20 });
    try {
      expect((await openSandbox(dir)).warnings).toEqual([]);
      process.env.HK_SANDBOX_FAULTS = "rate=0.2,seed=7";
      const joined = await openSandbox(dir);
      expect(joined.served).toBe(true);
      expect(joined.warnings).toHaveLength(1);
      expect(joined.warnings[0]).toMatch(IGNORED);
    } finally {
      await holder.close();
    }
  });

  it("no warning when the holder injects the same faults, or when this process holds the world", async () => {
    const holder = await serveSandbox(dir, { actionMs: 20, faults: { rate: 0.2, seed: 7 } });
    try {
      process.env.HK_SANDBOX_FAULTS = "rate=0.2,seed=7";
      expect((await openSandbox(dir)).warnings).toEqual([]);
    } finally {
      await holder.close();
    }
    const own = await openSandbox(dir, { actionMs: 20 });
    try {
      expect(own.served).toBe(false);
      expect(own.warnings).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it("hk plan --sandbox against hk sandbox serve warns once on stderr", async () => {
    const cwd = tempDir("hk-faults-cli-");
    copyFileSync(join(import.meta.dirname, "..", "..", "cluster.config.ts"), join(cwd, "cluster.config.ts"));
    const serve = startHk(["sandbox", "serve"], { cwd, env: { HOME: cwd, HK_SANDBOX_FAULTS: "" } });
    try {
      let out = "";
      await new Promise<void>((ok, bad) => {
        const timer = setTimeout(() => bad(new Error(`hk sandbox serve printed no HCLOUD_ENDPOINT line in 60 s: ${out}`)), 60_000);
        serve.child.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("# world:")) {
            clearTimeout(timer);
            ok();
          }
        });
      });
      const faulty = await hk(["plan", "--sandbox"], { cwd, env: { HOME: cwd, HK_SANDBOX_FAULTS: "rate=0.2,seed=7" } });
      expect(faulty.code).toBe(0);
      // Besides the preflight's warnings (the same in both runs), the faults' one, once.
      const warnings = faulty.stderr.split("\n").filter((l) => l.startsWith("Warning:") && IGNORED.test(l));
      expect(warnings).toHaveLength(1);
      const plain = await hk(["plan", "--sandbox"], { cwd, env: { HOME: cwd, HK_SANDBOX_FAULTS: "" } });
      expect(plain.code).toBe(0);
      expect(plain.stderr.split("\n").filter((l) => l !== "" && (!l.startsWith("Warning:") || IGNORED.test(l)))).toEqual([]);
    } finally {
      serve.child.kill("SIGTERM");
      await serve.done;
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
