// Crash safety with secrets in play, through the built CLI: hk is SIGKILLed mid-apply (and its
// journal torn) with sensitive inputs, sensitive outputs, inputs fed from them and replacements in
// flight. Whatever the kill leaves on disk holds no secret it should not, the read commands work on
// it, and the next apply converges without making any object twice.
import { existsSync, readFileSync, readdirSync, statSync, truncateSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { hk, startHk, type Run } from "../support/cli.js";
import { tempDir } from "../support/engine-harness.js";
import { changeCount } from "../support/fake-hold.js";
import { until } from "../support/until.js";
import type { FakeWorldData } from "../support/fake-world.js";

// Every test here runs several hk processes, each taking seconds on a loaded machine: the suite's
// 60 s per test is not enough there, and a timeout is not what these tests are about.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const config = join(import.meta.dirname, "..", "fixtures", "stacks", "crash-secrets.config.ts");
const KEY = "correct horse battery staple";
const ADDRESSES = ["fake.cbd", "fake.dbc", "fake.src", "fake.tail", "fake.user"];
/** Every secret the fixture has: its sensitive input and the `s3cret-<id>` outputs. */
const SECRET = /t0ps3cret|s3cret-fake-\d+/;

interface Case {
  dir: string;
  state: string;
  env: Record<string, string>;
}

function setup(key: string | undefined): Case {
  const dir = tempDir("hk-crash-secrets-");
  // HK_STATE_KEY "" is no key (the suite's own environment must not lend one).
  const env = { HK_FAKE_WORLD: join(dir, "world.json"), HK_FAKE_DELAY: "120", HK_STATE_KEY: key ?? "" };
  return { dir, state: join(dir, "st", "hk.state.json"), env };
}

function cli(c: Case, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return hk([...args, "-c", config, "--state", c.state], { cwd: c.dir, env: { ...c.env, ...env } });
}

function world(c: Case): FakeWorldData {
  return existsSync(c.env.HK_FAKE_WORLD as string) ? (JSON.parse(readFileSync(c.env.HK_FAKE_WORLD as string, "utf8")) as FakeWorldData) : { nextId: 1, objects: {}, log: [] };
}

/** What the fake API was asked to change, in order: `create ADDR ID`, `update ID`, `delete ID`. */
function changes(c: Case): string[] {
  return world(c).log.filter((l) => !l.startsWith("read "));
}

function idOf(c: Case, address: string): string {
  const found = Object.entries(world(c).objects).filter(([, o]) => o.owner === address);
  expect(found, `one live object for ${address}`).toHaveLength(1);
  return (found[0] as [string, unknown])[0];
}

/** The apply's changes: five creates, or in a replacement run two creates, two deletes and an update. */
const LAST = 5;

/**
 * Start `hk apply`, wait for `ready`, then (after `afterMs`) SIGKILL it. From its `holdAt`-th change
 * on (counted from now) the fake's calls hang once they took effect (test/support/fake-hold.ts), so
 * hk is inside that step when killed, however slow the machine, and never finishes first.
 */
async function killWhen(c: Case, ready: () => boolean, opts: { afterMs?: number; env?: Record<string, string>; args?: string[]; holdAt: number }): Promise<void> {
  const hold = { HK_FAKE_HOLD_FROM: String(changeCount(world(c)) + opts.holdAt) };
  const run = startHk(["apply", "--auto-approve", "--json", ...(opts.args ?? []), "-c", config, "--state", c.state], { cwd: c.dir, env: { ...c.env, ...opts.env, ...hold } });
  let ended: Run | undefined;
  void run.done.then((r) => (ended = r));
  try {
    await until("the kill point", ready, { timeoutMs: 120_000, everyMs: 2, failIf: () => (ended ? `hk ended (exit ${ended.code}) first: ${ended.stderr}` : undefined) });
    if (opts.afterMs) await sleep(opts.afterMs);
  } finally {
    run.child.kill("SIGKILL");
  }
  expect((await run.done).signal).toBe("SIGKILL");
}

/** Kill once the fake API has made `n` more changes than now (creates, updates, deletes). */
function afterChanges(c: Case, n: number): () => boolean {
  const base = changes(c).length;
  return () => changes(c).length - base >= n;
}

interface StateFile {
  name: string;
  text: string;
  mode: number;
}

/** Every file in the state's folder, dotfiles (temp files of a killed write) included, as raw bytes. */
function stateFolder(c: Case): StateFile[] {
  const dir = dirname(c.state);
  return readdirSync(dir).map((name) => ({ name, text: readFileSync(join(dir, name), "latin1"), mode: statSync(join(dir, name)).mode & 0o777 }));
}

function withSecrets(c: Case): string[] {
  return stateFolder(c)
    .filter((f) => SECRET.test(f.text))
    .map((f) => f.name);
}

function expectPrivate(c: Case): void {
  expect(statSync(dirname(c.state)).mode & 0o777).toBe(0o700);
  for (const f of stateFolder(c)) expect(`${f.name} ${f.mode.toString(8)}`).toBe(`${f.name} 600`);
}

function journalLines(c: Case): string[] {
  const path = `${c.state}.journal`;
  return existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
}

/**
 * After a kill: `hk state list` and `hk state show` replay the journal read-only, need no key,
 * fail on nothing and print no secret. Returns the listed records.
 */
async function expectReadable(c: Case): Promise<Array<{ address: string; id: string | null; status: string }>> {
  const noKey = { HK_STATE_KEY: "" };
  const listed = await cli(c, ["state", "list", "--json"], noKey);
  expect(listed.stderr).toBe("");
  expect(listed.code).toBe(0);
  expect(listed.stdout).not.toMatch(SECRET);
  const records = JSON.parse(listed.stdout) as Array<{ address: string; id: string | null; status: string }>;
  const shown = await Promise.all([...new Set(records.map((r) => r.address))].map((a) => cli(c, ["state", "show", a], noKey)));
  for (const s of shown) {
    expect(s.stderr).toBe("");
    expect(s.code).toBe(0);
    expect(s.stdout).not.toMatch(SECRET);
    // Every fake record has a sensitive output; sealed or not, it shows as (sensitive).
    expect(s.stdout).toMatch(/secret: \(sensitive\)/);
  }
  return records;
}

/** The next apply converges: every address once in the world, made once, and nothing left to do. */
async function expectConverges(c: Case, env: Record<string, string> = {}): Promise<void> {
  const next = await cli(c, ["apply", "--auto-approve"], env);
  expect(next.stderr).toBe("");
  expect(next.code).toBe(0);
  expect(next.stdout).not.toMatch(SECRET);
  const owners = Object.values(world(c).objects)
    .map((o) => o.owner)
    .sort();
  expect(owners).toEqual(ADDRESSES);
  const listed = JSON.parse((await cli(c, ["state", "list", "--json"])).stdout) as Array<{ address: string; status: string; id: string }>;
  expect(listed.map((r) => `${r.address} ${r.status}`).sort()).toEqual(ADDRESSES.map((a) => `${a} created`));
  for (const r of listed) expect(r.id).toBe(idOf(c, r.address));
  const again = await cli(c, ["plan", "--detailed-exitcode"], env);
  expect(again.stdout).toMatch(/No changes/);
  expect(again.code).toBe(0);
  expect(existsSync(`${c.state}.journal`)).toBe(false);
  expect(existsSync(`${c.state}.lock`)).toBe(false);
}

/** Each address made exactly once by the fake API. */
function expectMadeOnce(c: Case): void {
  const made = changes(c)
    .filter((l) => l.startsWith("create "))
    .map((l) => l.split(" ")[1])
    .sort();
  expect(made).toEqual(ADDRESSES);
}

describe.concurrent("SIGKILL with HK_STATE_KEY set", () => {
  // (API changes seen, then wait ms): inside the first creates (objects made, not recorded; the
  // state is still the file alone), after the first outcomes are journaled, inside creates whose
  // input is a sensitive output, and inside the last create.
  const points: Array<[number, number]> = [
    [1, 0],
    [2, 150],
    [4, 0],
    [5, 40],
  ];
  for (const [n, ms] of points) {
    it(`killed after ${n} change(s) + ${ms} ms: no secret on disk, readable, converges`, async () => {
      const c = setup(KEY);
      await killWhen(c, afterChanges(c, n), { afterMs: ms, holdAt: ms === 0 ? n : LAST });
      expect(withSecrets(c)).toEqual([]);
      expectPrivate(c);
      const records = await expectReadable(c);
      expect(records.length).toBeGreaterThanOrEqual(n >= 4 ? 2 : 0);

      // Outputs are recorded at the end of an apply; this one never ended: none to give, said so.
      const [one, all] = await Promise.all([cli(c, ["output", "srcSecret"]), cli(c, ["output"])]);
      expect(one.code).toBe(1);
      expect(one.stderr).toBe("Error: output srcSecret: not in the state\n  the last apply recorded no outputs\n");
      expect(one.stdout).toBe("");
      expect(all.code).toBe(0);
      expect(all.stderr).toMatch(records.length > 0 ? /^No outputs: the last apply recorded none\.\n$/ : /^No outputs: the state holds no resources \(the stack was destroyed, or never applied\); hk apply creates them\.\n$/);

      await expectConverges(c);
      expectMadeOnce(c);
      expect(withSecrets(c)).toEqual([]);
      expectPrivate(c);
      const [src, cbd, user] = await Promise.all([cli(c, ["output", "srcSecret"]), cli(c, ["output", "cbdSecret"]), cli(c, ["output", "userId"])]);
      expect([src.stdout, cbd.stdout, user.stdout]).toEqual([`s3cret-${idOf(c, "fake.src")}\n`, `s3cret-${idOf(c, "fake.cbd")}\n`, `${idOf(c, "fake.user")}\n`]);
      // The object fed from a sensitive output got the real value, and still has it.
      expect(world(c).objects[idOf(c, "fake.user")]?.inputs.conn).toEqual({ auth: `s3cret-${idOf(c, "fake.src")}` });
    });
  }
});

describe.concurrent("SIGKILL without HK_STATE_KEY (plain sidecar)", () => {
  for (const [n, ms] of [
    [2, 150],
    [4, 0],
  ] as Array<[number, number]>) {
    it(`killed after ${n} change(s) + ${ms} ms: secrets only in 0600 files made to hold them`, async () => {
      const c = setup(undefined);
      await killWhen(c, afterChanges(c, n), { afterMs: ms, holdAt: ms === 0 ? n : LAST });
      expectPrivate(c);
      expect(readFileSync(c.state, "utf8")).not.toMatch(SECRET);
      // Without a key the journal carries a line's secrets in clear, in its `secrets` part only
      // (README: the key encrypts "the sidecar (and the journal's secret values)"); the records and
      // pending operations of each line hold markers.
      // The very first changes of a run go to the state file itself (the journal needs a file to
      // sit on); on a slow disk every change before the kill may have: then the file holds them.
      const lines = journalLines(c).filter((l) => l.trim() !== "");
      const inFile = JSON.parse(readFileSync(c.state, "utf8")) as { resources: unknown[]; pending: unknown[] };
      expect(lines.length + inFile.resources.length + inFile.pending.length, "the kill left no trace of the changes made").toBeGreaterThan(0);
      for (const line of lines) {
        const { secrets, ...rest } = JSON.parse(line) as { secrets?: { values?: unknown } };
        expect(JSON.stringify(rest)).not.toMatch(SECRET);
        if (secrets) expect(secrets.values).toBeDefined();
      }
      const stray = withSecrets(c).filter((n) => n !== "hk.state.json.journal" && !/^\.?hk\.state\.secrets\.json(\.backup|\.\d+\.[0-9a-f]+\.tmp)?$/.test(n));
      expect(stray).toEqual([]);
      await expectReadable(c);

      await expectConverges(c);
      expectMadeOnce(c);
      expectPrivate(c);
      const holders = withSecrets(c);
      expect(holders).toContain("hk.state.secrets.json");
      expect(holders.filter((n) => !/^hk\.state\.secrets\.json(\.backup)?$/.test(n))).toEqual([]);
      expect((await cli(c, ["output", "srcSecret"])).stdout).toBe(`s3cret-${idOf(c, "fake.src")}\n`);
    });
  }
});

describe.concurrent("SIGKILL during replacements (create-before-destroy and destroy-before-create)", () => {
  const two = { HK_CRASH_KIND: "two" };

  async function applied(): Promise<{ c: Case; first: Record<string, string> }> {
    const c = setup(KEY);
    const r = await cli(c, ["apply", "--auto-approve"]);
    expect(r.code).toBe(0);
    return { c, first: Object.fromEntries(ADDRESSES.map((a) => [a, idOf(c, a)])) };
  }

  // (API changes seen, then wait ms): the new fake.cbd made but not recorded / the old fake.dbc
  // deleted but not recorded; both recorded, new fake.dbc on its way; new fake.dbc made but not
  // recorded; fake.tail updated, the deposed fake.cbd being deleted.
  const points: Array<[number, number]> = [
    [1, 0],
    [2, 150],
    [3, 0],
    [4, 60],
  ];
  for (const [n, ms] of points) {
    it(`killed after ${n} change(s) + ${ms} ms: one live object per address, old ones deleted`, async () => {
      const { c, first } = await applied();
      await killWhen(c, afterChanges(c, n), { afterMs: ms, env: two, holdAt: ms === 0 ? n : LAST });
      expect(withSecrets(c)).toEqual([]);
      expectPrivate(c);
      await expectReadable(c);
      // Outputs of the last apply that ended: the first one's (fake.cbd's is its old object's).
      const [src, cbd] = await Promise.all([cli(c, ["output", "srcSecret"]), cli(c, ["output", "cbdSecret"])]);
      expect([src.stdout, cbd.stdout]).toEqual([`s3cret-${first["fake.src"]}\n`, `s3cret-${first["fake.cbd"]}\n`]);

      await expectConverges(c, two);
      expect(withSecrets(c)).toEqual([]);
      const objects = world(c).objects;
      expect(objects[first["fake.cbd"] as string]).toBeUndefined();
      expect(objects[first["fake.dbc"] as string]).toBeUndefined();
      expect(objects[idOf(c, "fake.cbd")]?.inputs.kind).toBe("two");
      expect(objects[idOf(c, "fake.dbc")]?.inputs.kind).toBe("two");
      // Each replaced address made twice in all (first apply, replacement), the rest once.
      const made = changes(c).filter((l) => l.startsWith("create "));
      expect(made.filter((l) => l.startsWith("create fake.cbd "))).toHaveLength(2);
      expect(made.filter((l) => l.startsWith("create fake.dbc "))).toHaveLength(2);
      expect(made).toHaveLength(7);
      // The new fake.dbc was fed the new fake.cbd's secret.
      expect(objects[idOf(c, "fake.dbc")]?.inputs.conn).toEqual({ auth: `s3cret-${idOf(c, "fake.cbd")}` });
      const cbdNow = await cli(c, ["output", "cbdSecret"]);
      expect(cbdNow.stdout).toBe(`s3cret-${idOf(c, "fake.cbd")}\n`);
    });
  }

  // Secrets are kept per record (address and object id), not per address: the deposed and the new
  // record of a create-before-destroy each keep their own. Keyed by address alone, the deposed
  // record reloaded with the new object's secrets, and without a refresh its delete was handed the
  // new object's credential.
  it("killed between the new fake.cbd and the old one's delete, the deposed record keeps its own secrets", async () => {
    const { c, first } = await applied();
    await killWhen(c, () => journalLines(c).some((l) => l.includes('"status":"deposed"')), { env: two, holdAt: LAST });
    const next = await cli(c, ["apply", "--auto-approve", "--refresh=false"], two);
    expect(next.stdout).not.toMatch(/wrong credential/);
    expect(next.stderr).toBe("");
    expect(next.code).toBe(0);
    expect(world(c).objects[first["fake.cbd"] as string]).toBeUndefined();
  });
});

describe.concurrent("torn journal", () => {
  /** Cut the journal's last line in the middle, as a crash mid-append would leave it. */
  function tear(c: Case): void {
    const path = `${c.state}.journal`;
    const text = readFileSync(path, "utf8");
    const start = text.lastIndexOf("\n", text.length - 2) + 1;
    const end = start + Math.floor((text.length - start) / 2);
    truncateSync(path, end);
    expect(readFileSync(path, "utf8").endsWith("\n")).toBe(false);
  }

  it("a torn last line is tolerated: readable, and the next apply converges", async () => {
    const c = setup(KEY);
    await killWhen(c, afterChanges(c, 4), { afterMs: 150, holdAt: LAST });
    tear(c);
    expect(withSecrets(c)).toEqual([]);
    await expectReadable(c);
    await expectConverges(c);
    expectMadeOnce(c);
    expect(withSecrets(c)).toEqual([]);
  });

  // A writer cuts a torn last line off before appending: glued to the fragment, the next run's
  // first line was unreadable, replay stopped there, and a second crash before the state file
  // caught up lost steps the journal had made durable.
  it("after a torn line, what the next run journaled survives its own crash", async () => {
    const c = setup(KEY);
    const created = (from: number) => () => {
      const path = `${c.state}.journal`;
      if (!existsSync(path)) return undefined;
      const done = readFileSync(path, "utf8").slice(from).split("\n").slice(0, -1);
      return done.find((l) => l.includes('"status":"created"'));
    };
    // One step at a time: when a step's outcome is journaled, no other object is half made (the
    // next create hangs once it made its object).
    await killWhen(c, () => created(0)() !== undefined, { args: ["--parallelism", "1"], holdAt: 2 });
    tear(c);
    // The next run's lines start where the last whole line ended (the torn fragment is cut off).
    const cut = readFileSync(`${c.state}.journal`, "utf8").lastIndexOf("\n") + 1;
    await killWhen(c, () => created(cut)() !== undefined, { args: ["--parallelism", "1"], holdAt: 2 });
    // Every whole line after the tear reads as JSON: the next run's first line is not glued to the
    // fragment (this kill may tear a last line of its own; that one is left out).
    const whole = readFileSync(`${c.state}.journal`, "utf8").split("\n").slice(0, -1);
    for (const l of whole) expect(() => JSON.parse(l) as unknown, l.slice(0, 120)).not.toThrow();
    const line = created(cut)() as string;
    const seq = Number(/"seq":(\d+)/.exec(line)?.[1]);
    const address = /"set":\[\{"address":"([^"]+)"/.exec(line)?.[1] as string;
    // The kill usually comes before the state file catches up with that line (it follows the
    // journal tens of milliseconds later), so only the journal holds it; either way it must count.
    expect(seq).toBeGreaterThan(0);
    const listed = await cli(c, ["state", "list", "--json"]);
    expect((JSON.parse(listed.stdout) as Array<{ address: string }>).map((r) => r.address)).toContain(address);
    // A type that cannot look objects up relies on the record alone: it must not make it again.
    const next = await cli(c, ["apply", "--auto-approve"], { HK_CRASH_FIND: "none" });
    expect(next.code).toBe(0);
    expect(changes(c).filter((l) => l.startsWith(`create ${address} `))).toHaveLength(1);
  });
});
