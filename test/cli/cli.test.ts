// The CLI as users run it: real processes, real files, the fake stack for speed.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { HK_BIN, hk, startHk } from "../support/cli.js";
import { changeCount } from "../support/fake-hold.js";
import { FakeWorld } from "../support/fake-world.js";
import { until } from "../support/until.js";

// Every test here runs several hk processes, each taking seconds on a loaded machine: the suite's
// 60 s per test is not enough there, and a timeout is not what these tests are about.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const chain = join(import.meta.dirname, "..", "fixtures", "stacks", "chain.config.ts");

function setup(delay = "0") {
  const dir = tempDir("hk-cli-");
  const env = { HK_FAKE_WORLD: join(dir, "world.json"), HK_FAKE_DELAY: delay };
  const state = join(dir, "hk.state.json");
  const args = ["-c", chain, "--state", state];
  return { dir, env, state, args };
}

/**
 * The fake's calls hang once they changed its world, until `release()` (test/support/fake-hold.ts):
 * hk is inside its first steps for as long as the test needs, however loaded the machine is.
 */
function held(s: ReturnType<typeof setup>) {
  const file = join(s.dir, "release");
  const world = new FakeWorld(s.env.HK_FAKE_WORLD);
  // A failed test must not leave hk hanging.
  onTestFinished(() => writeFileSync(file, ""));
  return {
    env: { ...s.env, HK_FAKE_HOLD_FROM: "1", HK_FAKE_RELEASE: file },
    /** Both chains' first creates have made their objects and hang there. */
    bothStarted: () => until("fake.a1 and fake.b1 to make their objects", () => changeCount(world.read()) >= 2),
    release: () => writeFileSync(file, ""),
  };
}

/** Collects a child's stdout; `seen(text)` waits until it has printed `text`. */
function stdoutOf(run: ReturnType<typeof startHk>) {
  let out = "";
  let ended = false;
  run.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  void run.done.then(() => (ended = true));
  return {
    seen: (text: string) => until(`hk to print ${JSON.stringify(text)}`, () => out.includes(text), { failIf: () => (ended && !out.includes(text) ? `hk ended first, having printed:\n${out}` : undefined) }),
  };
}

/** Runs hk on a real pseudo-terminal (util-linux `script`), 100 columns wide; returns what it drew. */
async function hkOnTerminal(args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<string> {
  const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, TERM: "xterm-256color" };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const cmd = `stty cols 100 rows 40; ${[process.execPath, HK_BIN, ...args].map(quote).join(" ")}`;
  const { stdout } = await promisify(execFile)("script", ["-qec", cmd, "/dev/null"], { cwd: opts.cwd, env });
  return stdout;
}

describe("hk CLI", () => {
  it("draws a live view on a terminal, and plain coloured lines under CI, where ink would hold it back to the end", async () => {
    // The live view redraws its frame from the frame's first row: "erase below" (see park-cursor.ts).
    const eraseBelow = "\u001b[J";
    const green = "\u001b[32m";
    const live = setup("40");
    const drawn = await hkOnTerminal(["apply", ...live.args, "--auto-approve"], { cwd: live.dir, env: { ...live.env, CI: "false" } });
    expect(drawn).toContain("Apply complete!");
    expect(drawn).toContain(eraseBelow);
    const ci = setup("40");
    const logged = await hkOnTerminal(["apply", ...ci.args, "--auto-approve"], { cwd: ci.dir, env: { ...ci.env, CI: "true" } });
    expect(logged).toContain("Apply complete!");
    expect(logged).toContain(green);
    expect(logged).not.toContain(eraseBelow);
    expect(logged.split("Apply complete!")).toHaveLength(2);
  });

  it("lists its commands and exits 0 for --help", async () => {
    const r = await hk(["--help"], { cwd: tempDir() });
    expect(r.code).toBe(0);
    for (const c of ["plan", "apply", "destroy", "graph", "state", "unlock", "sandbox"]) expect(r.stdout).toContain(c);
  });

  it("reports every config problem with the file name, exit 1, no stack trace, nothing written", async () => {
    const dir = tempDir("hk-badcfg-");
    const cfg = join(dir, "cluster.config.ts");
    writeFileSync(cfg, `import { defineConfig } from "hkctl";\nexport default defineConfig({ controlPlane: { replicas: 0 }, firewall: { adminCidrs: ["nope"] }, hcloud: { location: "mars" }, extra: 1 } as never);\n`);
    const r = await hk(["plan", "-c", cfg], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`Error: ${cfg}: invalid config (4 problems):`);
    expect(r.stderr).toContain("controlPlane.replicas: expected a number ≥ 1");
    expect(r.stderr).toContain("firewall.adminCidrs.0: expected an admin address as a CIDR like 203.0.113.0/24 or 2001:db8::/32");
    expect(r.stderr).toContain("hcloud.location: expected a Hetzner location");
    expect(r.stderr).toContain("extra: unknown setting");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "state"))).toBe(false);
  });

  it("says clearly when the config file is missing or does not load", async () => {
    const dir = tempDir();
    const missing = await hk(["plan", "-c", "nope.ts"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.ts: no such config file/);
    writeFileSync(join(dir, "broken.ts"), "export default {{{");
    const broken = await hk(["plan", "-c", "broken.ts"], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.ts:1:\d+: cannot load the config: ParseError/);
    writeFileSync(join(dir, "nodefault.ts"), "export const config = {};\n");
    const nodefault = await hk(["plan", "-c", "nodefault.ts"], { cwd: dir });
    expect(nodefault.stderr).toMatch(/nodefault\.ts: has no default export \(it exports config\)\n {2}end it with: export default defineConfig/);
  });

  it("rejects bad flag values with the flag named", async () => {
    const s = setup();
    const noFolder = await hk(["plan", ...s.args, "--out", join(s.dir, "nope", "p.json")], { cwd: s.dir, env: s.env });
    expect([noFolder.code, noFolder.stdout]).toEqual([1, ""]);
    expect(noFolder.stderr).toContain(`--out ${join(s.dir, "nope", "p.json")}: the folder ${join(s.dir, "nope")} does not exist`);
    writeFileSync(join(s.dir, "afile"), "");
    const stateUnderFile = await hk(["plan", "-c", chain, "--state", join(s.dir, "afile", "s.json")], { cwd: s.dir, env: s.env });
    expect(stateUnderFile.stderr).toContain(`cannot create the state's folder ${join(s.dir, "afile")} (EEXIST)`);
    expect((await hk(["plan", ...s.args, "--parallelism", "zero"], { cwd: s.dir, env: s.env })).stderr).toContain("--parallelism zero: expected a whole number from 1 to 1000");
    expect((await hk(["plan", ...s.args, "--lock-timeout", "soon"], { cwd: s.dir, env: s.env })).stderr).toContain("--lock-timeout soon: expected a duration like 30s, 5m or 1h");
    expect((await hk(["plan", ...s.args, "--refresh", "maybe"], { cwd: s.dir, env: s.env })).code).toBe(1);
  });

  it("plan --detailed-exitcode: 2 with changes, 0 without; apply refuses without a terminal or --auto-approve", async () => {
    const s = setup();
    expect((await hk(["plan", ...s.args, "--detailed-exitcode"], { cwd: s.dir, env: s.env })).code).toBe(2);
    const refused = await hk(["apply", ...s.args], { cwd: s.dir, env: s.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("no terminal to confirm the apply on, so nothing was done");
    expect(existsSync(s.env.HK_FAKE_WORLD)).toBe(false);
    const applied = await hk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Resources: 8 added, 0 changed, 0 destroyed.");
    expect((await hk(["plan", ...s.args, "--detailed-exitcode"], { cwd: s.dir, env: s.env })).code).toBe(0);
  });

  it("--json prints one JSON event per line, the plan among them, and nothing else", async () => {
    const s = setup();
    const r = await hk(["apply", ...s.args, "--auto-approve", "--json"], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; plan?: { summary: unknown } });
    const types = new Set(events.map((e) => e.type));
    for (const t of ["refresh-start", "plan", "apply-start", "step-start", "step-done", "apply-done"]) expect(types).toContain(t);
    expect(events.find((e) => e.type === "plan")?.plan?.summary).toEqual({ add: 8, change: 0, destroy: 0 });
    expect(r.stdout).not.toContain("t0ps3cret");
    // So does a flag commander refuses, and --json without --auto-approve says why it is refused.
    const badFlag = await hk(["plan", ...s.args, "--json", "--bogus"], { cwd: s.dir, env: s.env });
    expect([badFlag.code, JSON.parse(badFlag.stdout)]).toMatchObject([1, { type: "diagnostic", severity: "error", message: "Error: unknown option '--bogus'" }]);
    const unapproved = await hk(["apply", ...s.args, "--json"], { cwd: s.dir, env: s.env });
    expect(unapproved.stderr).toContain("--json needs --auto-approve");
    // Read commands answer with one JSON document.
    expect(JSON.parse((await hk(["validate", ...s.args, "--json"], { cwd: s.dir, env: s.env })).stdout)).toMatchObject({ valid: true, resources: expect.arrayContaining(["fake.c2"]) });
    const graph = JSON.parse((await hk(["graph", ...s.args, "--json"], { cwd: s.dir, env: s.env })).stdout) as { nodes: string[]; edges: Array<{ from: string; to: string }> };
    expect([graph.nodes.length, graph.edges]).toEqual([8, expect.arrayContaining([{ from: "fake.a1", to: "fake.a2" }])]);
    // A refusal ends the stream with an error diagnostic, not silence.
    const bad = await hk(["plan", ...s.args, "--json", "--target", "fake.nope"], { cwd: s.dir, env: s.env });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout.trim().split("\n").at(-1) ?? "{}")).toMatchObject({ type: "diagnostic", severity: "error", message: "Error: --target fake.nope: no such resource in the config\n  resources in the config: fake.a1, fake.a2, fake.a3, fake.b1, fake.b2, fake.b3, fake.c1, fake.c2" });
  });

  it("a saved plan applies exactly, and is refused once the state moved on", async () => {
    const s = setup();
    const planFile = join(s.dir, "plan.json");
    const saved = await hk(["plan", ...s.args, "--out", planFile], { cwd: s.dir, env: s.env });
    expect(saved.code).toBe(0);
    // The suggested command reaches the same state as the plan did.
    expect(saved.stdout).toContain(`To apply exactly it, run: hk apply ${planFile} -c ${chain} --state ${s.state}\n`);
    expect(readFileSync(planFile, "utf8")).not.toContain("t0ps3cret");
    // Flags that shape a plan cannot reshape a saved one.
    const reshaped = await hk(["apply", planFile, ...s.args, "--target", "fake.a1", "--refresh=false"], { cwd: s.dir, env: s.env });
    expect([reshaped.code, reshaped.stderr]).toEqual([1, `Error: --target, --refresh cannot change a saved plan: ${planFile} is applied exactly as it was made\n  pass them to hk plan --out instead\n`]);
    const first = await hk(["apply", planFile, ...s.args], { cwd: s.dir, env: s.env });
    expect(first.code).toBe(0);
    const again = await hk(["apply", planFile, ...s.args], { cwd: s.dir, env: s.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the state changed since this plan was made \(serial 0 then, \d+ now\)/);
  });

  it("hk show prints a saved plan as plan did, warns once the state moved on, and refuses what is not a plan", async () => {
    const s = setup();
    const planFile = join(s.dir, "plan.json");
    const saved = await hk(["plan", ...s.args, "--out", planFile], { cwd: s.dir, env: s.env });
    const shown = await hk(["show", planFile, ...s.args], { cwd: s.dir, env: s.env });
    expect([shown.code, shown.stderr]).toEqual([0, ""]);
    expect(saved.stdout).toBe(`${shown.stdout}Saved the plan to ${planFile}. To apply exactly it, run: hk apply ${planFile} -c ${chain} --state ${s.state}\n`);
    expect((await hk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env })).code).toBe(0);
    const stale = await hk(["show", planFile, ...s.args], { cwd: s.dir, env: s.env });
    expect(stale.code).toBe(0);
    expect(stale.stdout).toBe(shown.stdout);
    expect(stale.stderr).toMatch(new RegExp(`^Warning: ${planFile}: the state changed since this plan was made \\(serial 0 then, \\d+ now\\); hk apply ${planFile} would refuse it\n$`));
    const json = await hk(["show", planFile, ...s.args, "--json"], { cwd: s.dir, env: s.env });
    const events = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; severity?: string; plan?: { summary: unknown } });
    expect(events.map((e) => e.severity ?? e.type)).toEqual(["plan", "warning"]);
    expect(events[0]?.plan?.summary).toEqual({ add: 8, change: 0, destroy: 0 });
    writeFileSync(join(s.dir, "other.json"), "{}");
    const notPlan = await hk(["show", join(s.dir, "other.json"), ...s.args], { cwd: s.dir, env: s.env });
    expect([notPlan.code, notPlan.stderr]).toEqual([1, `Error: ${join(s.dir, "other.json")}: not a plan file (JSON without an hkPlan object)\n  make one with: hk plan --out FILE\n`]);
  });

  it("state list and state show read the state without showing secrets", async () => {
    const s = setup();
    await hk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env });
    const list = await hk(["state", "list", ...s.args], { cwd: s.dir, env: s.env });
    expect(list.stdout.trim().split("\n")).toHaveLength(8);
    expect(list.stdout).toMatch(/^fake\.a1 {2}fake-\d+$/m);
    const show = await hk(["state", "show", "fake.c2", ...s.args], { cwd: s.dir, env: s.env });
    expect(show.stdout).toContain("token: (sensitive)");
    expect(show.stdout).not.toContain("t0ps3cret");
    const missing = await hk(["state", "show", "fake.zz", ...s.args], { cwd: s.dir, env: s.env });
    expect(missing.stderr).toContain("fake.zz: not in the state");
  });

  it("a reader that goes away early (hk … | head) ends nothing badly: the apply finishes, no stack trace", async () => {
    const s = setup("50");
    const run = startHk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env });
    // Like `head -1`: read the first line, then close the pipe.
    await new Promise<void>((resolve) => run.child.stdout?.once("data", () => resolve()));
    run.child.stdout?.destroy();
    const r = await run.done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const state = JSON.parse(readFileSync(s.state, "utf8")) as { resources: unknown[]; pending: unknown[] };
    expect([state.resources.length, state.pending.length]).toEqual([8, 0]);
  });

  it("hk output lists the outputs with secrets hidden, and prints one by name, secret or not", async () => {
    const s = setup();
    const none = await hk(["output", ...s.args], { cwd: s.dir, env: s.env });
    expect([none.code, none.stdout]).toEqual([0, ""]);
    expect(none.stderr).toContain("run hk apply first");
    const env = { ...s.env, HK_STATE_KEY: "correct horse battery staple" };
    const applied = await hk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env });
    expect(applied.stdout).toContain("c1Secret = (sensitive)");
    const c1 = JSON.parse(readFileSync(s.state, "utf8")).resources.find((r: { address: string }) => r.address === "fake.c1").id as string;
    const secret = `s3cret-${c1}`;
    expect(applied.stdout).not.toContain(secret);
    expect(readFileSync(s.state, "utf8")).not.toContain(secret);
    const all = await hk(["output", ...s.args], { cwd: s.dir, env: s.env });
    expect(all.stdout).toMatch(/^c1Secret = \(sensitive\)\nlast = "fake-\d+"\n$/);
    expect(JSON.parse((await hk(["output", ...s.args, "--json"], { cwd: s.dir, env: s.env })).stdout)).toEqual({ last: expect.stringMatching(/^fake-/), c1Secret: "(sensitive)" });
    const one = await hk(["output", "c1Secret", ...s.args], { cwd: s.dir, env });
    expect([one.code, one.stdout]).toEqual([0, `${secret}\n`]);
    // The sidecar is encrypted: without the key the value cannot be read, and hk says why.
    const locked = await hk(["output", "c1Secret", ...s.args], { cwd: s.dir, env: s.env });
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain("set HK_STATE_KEY");
    const missing = await hk(["output", "nope", ...s.args], { cwd: s.dir, env });
    expect([missing.code, missing.stderr]).toEqual([1, "Error: output nope: not in the state\n  outputs: c1Secret, last\n"]);
  });

  it("a second hk on the same state fails at once naming the holder; hk unlock needs the right ID", async () => {
    const s = setup();
    const hold = held(s);
    const first = startHk(["apply", ...s.args, "--auto-approve", "--json"], { cwd: s.dir, env: hold.env });
    await hold.bothStarted();
    const second = await hk(["plan", ...s.args], { cwd: s.dir, env: s.env });
    expect(second.code).toBe(1);
    const holder = JSON.parse(readFileSync(`${s.state}.lock`, "utf8")) as { id: string; pid: number };
    expect(second.stderr).toContain(`the state is locked by pid ${holder.pid} on `);
    expect(second.stderr).toContain(`"hk apply", since `);
    expect(second.stderr).toContain(`hk unlock ${holder.id} -c ${chain} --state ${s.state}`);
    const wrong = await hk(["unlock", "not-it", ...s.args], { cwd: s.dir, env: s.env });
    expect(wrong.stderr).toContain(`the lock has ID ${holder.id}, not not-it`);
    // Its holder is still running here: unlocking would make two writers.
    const live = await hk(["unlock", holder.id, ...s.args], { cwd: s.dir, env: s.env });
    expect(live.code).toBe(1);
    expect(live.stderr).toContain("which is still running; removing it would let two hk write this state at once");
    expect(live.stderr).toContain(`hk unlock --force ${holder.id}`);
    expect(existsSync(`${s.state}.lock`)).toBe(true);
    hold.release();
    expect((await first.done).code).toBe(0);
    expect(existsSync(`${s.state}.lock`)).toBe(false);
  });

  it("Ctrl-C once lets running steps finish, saves the state and exits 1", async () => {
    const s = setup();
    const hold = held(s);
    const run = startHk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: hold.env });
    const stdout = stdoutOf(run);
    await hold.bothStarted();
    run.child.kill("SIGINT");
    await stdout.seen("Interrupt received");
    hold.release();
    const r = await run.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Interrupt received");
    expect(r.stdout).toMatch(/Creation complete/);
    const state = JSON.parse(readFileSync(s.state, "utf8")) as { resources: Array<{ address: string }>; pending: unknown[] };
    expect(state.pending).toEqual([]);
    expect(state.resources.map((x) => x.address).sort()).toEqual(["fake.a1", "fake.b1"]);
    expect(existsSync(`${s.state}.lock`)).toBe(false);
  });

  it("Ctrl-C twice leaves at once (exit 130); the next apply converges without duplicates", async () => {
    const s = setup();
    const hold = held(s);
    const run = startHk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: hold.env });
    const stdout = stdoutOf(run);
    await hold.bothStarted();
    run.child.kill("SIGINT");
    await stdout.seen("Interrupt received");
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("Stopping now");
    const next = await hk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env });
    expect(next.code).toBe(0);
    const world = JSON.parse(readFileSync(s.env.HK_FAKE_WORLD, "utf8")) as { objects: Record<string, { owner: string }> };
    expect(Object.values(world.objects).map((o) => o.owner).sort()).toEqual(["fake.a1", "fake.a2", "fake.a3", "fake.b1", "fake.b2", "fake.b3", "fake.c1", "fake.c2"]);
  });

  it("hk graph prints the dependency graph as DOT", async () => {
    const s = setup();
    const r = await hk(["graph", ...s.args], { cwd: s.dir, env: s.env });
    expect(r.stdout).toContain('digraph "crash" {');
    expect(r.stdout).toContain('"fake.a1" -> "fake.a2";');
    expect(r.stdout).toContain('"fake.c1" -> "fake.c2";');
  });
});
