import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, forceUnlock, readLock } from "../../src/engine/lock.js";
import { statePaths } from "../../src/engine/state-file.js";
import { StateStore } from "../../src/engine/state-store.js";
import { tempDir } from "../support/engine-harness.js";

const opts = { stack: "t", hkVersion: "t", key: undefined, sensitiveOf: () => undefined };

describe("state file", () => {
  const broken: Array<[string, string, RegExp]> = [
    ["truncated", '{"format": 1, "serial": 3, "lin', /not valid JSON .*left untouched/],
    ["newer format", JSON.stringify({ format: 2, serial: 1 }), /written by a newer hk \(state format 2; this hk reads format 1\)/],
    ["wrong shape", JSON.stringify({ format: 1, serial: "x", lineage: "l", stack: "s", hkVersion: "v", resources: [], outputs: {}, pending: [] }), /serial: /],
    [
      "duplicated record",
      JSON.stringify({
        format: 1,
        serial: 1,
        lineage: "l",
        stack: "s",
        hkVersion: "v",
        resources: [0, 1].map(() => ({ address: "fake.a", type: "fake", id: "7", status: "created", inputs: {}, outputs: {}, dependencies: [] })),
        outputs: {},
        pending: [],
      }),
      /fake\.a is recorded 2 times; fake object 7 is recorded 2 times; the file is left untouched/,
    ],
  ];
  for (const [name, text, message] of broken) {
    it(`refuses a ${name} file and leaves it untouched`, async () => {
      const dir = tempDir();
      const p = statePaths(join(dir, "hk.state.json"));
      writeFileSync(p.state, text);
      await expect(StateStore.open(p, opts)).rejects.toThrow(message);
      expect(readFileSync(p.state, "utf8")).toBe(text);
    });
  }

  it("names the .backup in the hint for a broken file only when there is one; else says how to start afresh", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    writeFileSync(p.state, '{"format": 1, "serial": 1, "lin');
    const without = StateStore.open(p, opts);
    await expect(without).rejects.toMatchObject({ next: `there is no ${p.backup} yet: repair it by hand, or move it aside (mv ${p.state} ${p.state}.broken) and run hk plan again: it finds what hk made by its labels and names what to take over with --adopt ADDRESS` });
    writeFileSync(p.backup, "{}");
    await expect(StateStore.open(p, opts)).rejects.toMatchObject({ next: `restore it from ${p.backup} (cp ${p.backup} ${p.state}) or repair it by hand` });
  });

  it("refuses a state written for another stack, naming both, leaving the file and its journal as they were", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const s = await StateStore.open(p, { ...opts, stack: "other" });
    await s.commit((st) => (st.outputs = { a: 1 }));
    const text = readFileSync(p.state, "utf8");
    // A torn journal tail, which opening the right stack's state would trim.
    writeFileSync(`${p.state}.journal`, '{"seq": 9, "torn');
    const refused = StateStore.open(p, opts);
    await expect(refused).rejects.toThrow(`${p.state}: this state belongs to stack "other", but the config declares stack "t"; nothing was read or written`);
    await expect(refused).rejects.toMatchObject({ next: `point hk at stack "t"'s own state with --state PATH, or at stack "other"'s config with -c PATH` });
    expect([readFileSync(p.state, "utf8"), readFileSync(`${p.state}.journal`, "utf8")]).toEqual([text, '{"seq": 9, "torn']);
  });

  it("bumps the serial on every write, keeps the lineage, keeps one backup", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const s1 = await StateStore.open(p, opts);
    await s1.commit((s) => (s.outputs = { a: 1 }));
    const lineage = s1.current.lineage;
    expect(s1.current.serial).toBe(1);
    const s2 = await StateStore.open(p, opts);
    await s2.commit((s) => (s.outputs = { a: 2 }));
    await s2.commit((s) => (s.outputs = { a: 3 }));
    expect(s2.current.serial).toBe(3);
    expect(s2.current.lineage).toBe(lineage);
    expect(JSON.parse(readFileSync(p.backup, "utf8")).outputs).toEqual({ a: 1 });
  });

  it("coalesces concurrent commits into ordered writes", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const s = await StateStore.open(p, opts);
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.commit((st) => (st.outputs = { ...st.outputs, [`k${i}`]: i }))));
    expect(s.writes).toBeLessThan(50);
    expect(Object.keys(JSON.parse(readFileSync(p.state, "utf8")).outputs)).toHaveLength(50);
  });

  it("journals a step's change as its own address's records only, and a reopened store (as after a crash) replays it", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const s = await StateStore.open(p, opts);
    const rec = (address: string, id: string) => ({ address, type: "x", id, status: "created" as const, inputs: {}, outputs: { id }, dependencies: [] });
    await s.commit((st) => st.resources.push(rec("x.a", "1"), rec("x.b", "2")));
    const pending = await s.beginPending({ address: "x.c", type: "x", operation: "create" });
    expect(s.current.pending.map((op) => op.id)).toEqual([pending]);
    await s.endPending(pending, (records) => [...records, rec("x.c", "3")]);
    await s.commitAt("x.a", () => []);
    const lines = readFileSync(`${p.state}.journal`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { set: Array<{ address: string }> });
    expect(lines.map((l) => l.set.map((x) => x.address))).toEqual([[], ["x.c"], ["x.a"]]);
    expect(s.find("x.c")?.id).toBe("3");
    expect(s.current.resources.map((r) => r.address).sort()).toEqual(["x.b", "x.c"]);
    // Not flushed: whatever the file lacks, the journal carries.
    const reopened = await StateStore.open(p, opts);
    expect(reopened.current.resources.map((r) => r.address).sort()).toEqual(["x.b", "x.c"]);
    expect(reopened.current.pending).toEqual([]);
    expect(reopened.find("x.a")).toBeUndefined();
  });

  it("keeps secrets per record, so a deposed record and the new one at its address keep their own; reads sidecars keyed by address too", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const sens = { ...opts, sensitiveOf: () => ({ outputs: ["pw"] }) };
    const s = await StateStore.open(p, sens);
    const rec = (id: string, status: "created" | "deposed") => ({ address: "x.a", type: "x", id, status, inputs: {}, outputs: { pw: `pw-${id}` }, dependencies: [] });
    await s.commit((st) => st.resources.push(rec("1", "deposed"), rec("2", "created")));
    const reread = (await StateStore.open(p, sens)).current.resources.map((r) => [r.id, r.outputs.pw]);
    expect(reread).toEqual([["1", "pw-1"], ["2", "pw-2"]]);
    // A sidecar written before secrets were kept per record: by address.
    const old = JSON.parse(readFileSync(p.secrets, "utf8")) as { values: Record<string, unknown> };
    writeFileSync(p.secrets, JSON.stringify({ ...old, values: { "x.a": old.values["x.a#2"] } }));
    const legacy = (await StateStore.open(p, sens)).current.resources.map((r) => [r.id, r.outputs.pw]);
    expect(legacy).toEqual([["1", "pw-2"], ["2", "pw-2"]]);
  });

  it("counts a secret missing only if the journal does not supply it: a sidecar one write ahead of the file is no loss", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const sens = { ...opts, sensitiveOf: () => ({ outputs: ["pw"] }) };
    const s = await StateStore.open(p, sens);
    const rec = (id: string) => ({ address: "x.a", type: "x", id, status: "created" as const, inputs: {}, outputs: { pw: `pw-${id}` }, dependencies: [] });
    await s.commit((st) => st.resources.push(rec("1")));
    const fileBefore = readFileSync(p.state, "utf8");
    await s.commitAt("x.a", () => [rec("2")]);
    const journal = readFileSync(`${p.state}.journal`, "utf8");
    // As if killed between the two writes of the next full write: the sidecar already holds only
    // object 2's secret, the state file still names object 1, and the journal says 1 became 2.
    await s.close();
    writeFileSync(p.state, fileBefore);
    writeFileSync(`${p.state}.journal`, journal);
    const reopened = await StateStore.open(p, sens);
    expect(reopened.current.resources.map((r) => [r.id, r.outputs.pw])).toEqual([["2", "pw-2"]]);
    expect(reopened.missingSecrets).toEqual([]);
  });

  it("encrypts the secrets sidecar with HK_STATE_KEY and refuses to read it without", async () => {
    const dir = tempDir();
    const p = statePaths(join(dir, "hk.state.json"));
    const sens = { ...opts, key: "correct horse", sensitiveOf: () => ({ outputs: ["pw"] }) };
    const s = await StateStore.open(p, sens);
    await s.commit((st) => st.resources.push({ address: "x.a", type: "x", id: "1", status: "created", inputs: {}, outputs: { pw: "hunter2" }, dependencies: [] }));
    expect(readFileSync(p.secrets, "utf8")).not.toContain("hunter2");
    expect((await StateStore.open(p, sens)).current.resources[0]?.outputs.pw).toBe("hunter2");
    await expect(StateStore.open(p, { ...sens, key: undefined })).rejects.toThrow(/secrets are encrypted/);
    await expect(StateStore.open(p, { ...sens, key: "wrong" })).rejects.toThrow(/cannot decrypt/);
  });
});

describe("lock", () => {
  it("a second holder fails at once with the holder's pid, host, command and start", async () => {
    const path = join(tempDir(), "hk.state.json.lock");
    const lock = await acquireLock(path, { command: "hk apply" });
    const err = await acquireLock(path, { command: "hk plan" }).catch((e: Error) => e);
    expect(String(err)).toMatch(new RegExp(`locked by pid ${process.pid} on .* \\("hk apply", since .*\\), lock ID ${lock.info.id}`));
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("waits up to --lock-timeout for the holder to finish", async () => {
    const path = join(tempDir(), "lock");
    const lock = await acquireLock(path, { command: "first" });
    // Released while the second waits; its timeout is far beyond that, however late the timer fires.
    setTimeout(() => void lock.release(), 200);
    const second = await acquireLock(path, { command: "second", timeoutMs: 30_000, pollMs: 20 });
    expect(second.info.command).toBe("second");
  });

  it("takes over a lock left by a dead process", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "lock");
    const child = spawn(process.execPath, ["-e", "setTimeout(()=>{}, 10)"]);
    await new Promise((r) => child.on("exit", r));
    writeFileSync(path, JSON.stringify({ id: "dead", pid: child.pid, host: (await import("node:os")).hostname(), command: "hk apply", startedAt: "then" }));
    const lock = await acquireLock(path, { command: "hk apply" });
    expect(await readLock(path)).toMatchObject({ id: lock.info.id });
  });

  it("takes over a torn lock file once it is older than two seconds, not before", async () => {
    const { utimesSync } = await import("node:fs");
    const old = join(tempDir(), "lock");
    writeFileSync(old, '{"id": "torn", "pi');
    utimesSync(old, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    let started = Date.now();
    await acquireLock(old, { command: "hk plan", pollMs: 50 });
    // Less than the fresh one's wait below, with room for a slow machine.
    expect(Date.now() - started).toBeLessThan(1500);
    const fresh = join(tempDir(), "lock");
    writeFileSync(fresh, '{"id": "torn", "pi');
    started = Date.now();
    await acquireLock(fresh, { command: "hk plan", pollMs: 50 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it("hk unlock removes a lock only by its ID", async () => {
    const path = join(tempDir(), "lock");
    writeFileSync(path, JSON.stringify({ id: "abc", pid: 1, host: "elsewhere", command: "hk apply", startedAt: "then" }));
    await expect(acquireLock(path, { command: "x" })).rejects.toMatchObject({ next: expect.stringContaining("hk unlock abc") });
    await expect(forceUnlock(path, "nope")).rejects.toThrow(/has ID abc, not nope/);
    await forceUnlock(path, "abc");
    expect(existsSync(path)).toBe(false);
  });
});
