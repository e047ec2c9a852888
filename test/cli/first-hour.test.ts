// What a new user hit in the first hour (issue 7): interrupts and exit codes, outputs that are not
// known yet, what an empty state means, and errors that all read like hk's own.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";

const chain = join(import.meta.dirname, "..", "fixtures", "stacks", "chain.config.ts");

function setup(delay = "0") {
  const dir = tempDir("hk-first-hour-");
  const env = { HK_FAKE_WORLD: join(dir, "world.json"), HK_FAKE_DELAY: delay };
  const args = ["-c", chain, "--state", join(dir, "hk.state.json")];
  return { dir, env, args };
}

/** Starts an apply and sends SIGINT once `when` has been printed; resolves with the run. */
async function interruptWhen(s: ReturnType<typeof setup>, when: string) {
  const run = startHk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env });
  await new Promise<void>((resolve) => {
    let out = "";
    run.child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(when)) resolve();
    });
  });
  run.child.kill("SIGINT");
  return run.done;
}

describe("interrupts", () => {
  it("one Ctrl-C while the last steps run still exits 1, and the summary says an interrupt came", async () => {
    const s = setup("400");
    const r = await interruptWhen(s, "fake.c2: Creating...");
    expect(r.stdout).toContain("Interrupt received");
    expect(r.stdout).toContain("fake.c2: Creation complete");
    expect(r.stdout).not.toContain("Apply complete!");
    expect(r.stdout).toContain("Apply interrupted: 0 failed, 0 skipped. Resources: 8 added, 0 changed, 0 destroyed. State saved.");
    expect(r.code).toBe(1);
  });

  it("outputs of resources an interrupt kept from being made are not shown as null", async () => {
    const s = setup("300");
    const r = await interruptWhen(s, "fake.a1: Creating...");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/skipped: /);
    expect(r.stdout).not.toContain("= null");
    const outputs = await hk(["output", ...s.args, "--json"], { cwd: s.dir, env: s.env });
    expect(JSON.parse(outputs.stdout)).toEqual({});
    const one = await hk(["output", "last", ...s.args], { cwd: s.dir, env: s.env });
    expect([one.code, one.stdout]).toEqual([1, ""]);
  });
});

describe("wording", () => {
  it("destroy without a terminal says destroy, not apply", async () => {
    const s = setup();
    const r = await hk(["destroy", ...s.args], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error: no terminal to confirm the destroy on, so nothing was done\n  pass --auto-approve to destroy without asking\n");
  });

  it("hk output after a destroy says the stack was destroyed", async () => {
    const s = setup();
    expect((await hk(["apply", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env })).code).toBe(0);
    expect((await hk(["destroy", ...s.args, "--auto-approve"], { cwd: s.dir, env: s.env })).code).toBe(0);
    const r = await hk(["output", ...s.args], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("No outputs: the state holds no resources (the stack was destroyed, or never applied); hk apply creates them.\n");
  });
});

describe("errors read like hk's own", () => {
  it("commander's flag and argument errors start with Error: and say what to do", async () => {
    const dir = tempDir();
    const unknown = await hk(["frob"], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("Error: unknown command 'frob'\n  run hk --help for the commands and their flags\n");
    const missing = await hk(["show"], { cwd: dir });
    expect(missing.stderr).toBe("Error: missing required argument 'plan-file'\n  run hk --help for the commands and their flags\n");
    const json = await hk(["plan", "--bogus", "--json"], { cwd: dir });
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ type: "diagnostic", severity: "error", message: "Error: unknown option '--bogus'" });
  });

  it("a missing plan file, and a JSON file that is not a plan, are said in a few lines", async () => {
    const s = setup();
    const missing = await hk(["show", "nonexist.plan", ...s.args], { cwd: s.dir, env: s.env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("Error: nonexist.plan: no such plan file\n  check the name, or make one with: hk plan --out FILE\n");
    const file = join(s.dir, "other.json");
    writeFileSync(file, JSON.stringify({ hkPlan: {} }));
    const notPlan = await hk(["apply", file, ...s.args], { cwd: s.dir, env: s.env });
    expect(notPlan.code).toBe(1);
    expect(notPlan.stderr).toBe(
      [
        `Error: ${file}: not a valid hk plan file (11 problems):`,
        "  format: must be 1",
        '  mode: must be one of "apply", "destroy"',
        "  createdAt: missing: a string is needed",
        "  … and 8 more",
        "  make a new one with: hk plan --out FILE",
        "",
      ].join("\n"),
    );
  });

  it("a config value of the wrong kind is said in hk's words, with what to do", async () => {
    const dir = tempDir("hk-badcfg-");
    const cfg = join(dir, "cluster.config.ts");
    writeFileSync(cfg, `import { defineConfig } from "hkctl";\nexport default defineConfig({ talos: { extensions: "siderolabs/qemu-guest-agent" } } as never);\n`);
    const r = await hk(["validate", "-c", cfg], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: ${cfg}: invalid config (1 problem):\n  talos.extensions: expected a list, got a string\n  fix them in the config; hk validate checks it without touching anything\n`);
  });
});
