// What a new user hit in the first hour, through the built CLI on the sandbox: a state of another
// stack, a second state adopting the first one's objects, a read-only token found out only half
// way, a state list with nothing to say, an even control plane.
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";

/** stderr without the preflight's warnings every cluster plan carries (they are tested in sandbox-lifecycle). */
const noPreflight = (s: string): string => s.split("\n").filter((l) => !/^Warning: (CACPPT rolling update|load balancer exposure):/.test(l)).join("\n");
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");
// The first apply bootstraps the whole cluster (kind, Cluster API, three nodes, the pivot): on a
// busy machine that takes more than the suite's 60 s, and a timeout is not what this is about.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

describe("ownership and early refusals on the sandbox", () => {
  const dir = tempDir("hk-owner-");
  const env: Record<string, string> = { HOME: dir };
  const sandboxState = join(dir, "state", "sandbox", "hk.state.json");
  const second = join(dir, "second", "hk.state.json");

  beforeAll(async () => {
    copyFileSync(example, join(dir, "cluster.config.ts"));
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(noPreflight(r.stderr).split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "))).toEqual([]);
  });

  it("a second state refuses to adopt the first one's objects, naming its lineage and --adopt, writing nothing", async () => {
    const lineage = (JSON.parse(readFileSync(sandboxState, "utf8")) as { lineage: string }).lineage;
    const r = await hk(["plan", "--sandbox", "--state", second], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(noPreflight(r.stderr)).toContain(`hcloud_talos_image.talos: object `);
    expect(noPreflight(r.stderr)).toMatch(new RegExp(`hcloud_firewall\\.cluster: object \\d+ is managed by another hk state \\(lineage ${lineage}\\); this state \\(lineage [\\w-]+\\) will not adopt it`));
    expect(noPreflight(r.stderr)).toMatch(/plan again with (--adopt \S+ )*--adopt hcloud_talos_image\.talos/);
    expect(noPreflight(r.stderr)).toContain("--adopt hcloud_firewall.cluster");
    // Only the folder the lock was taken in is left, empty.
    expect(readdirSync(join(dir, "second"))).toEqual([]);
    // Taken over on purpose, the plan says whose it was.
    const taken = await hk(["plan", "--sandbox", "--state", second, "--adopt", "hcloud_firewall.cluster", "--adopt", "hcloud_talos_image.talos"], { cwd: dir, env });
    expect([taken.code, noPreflight(taken.stderr)]).toEqual([0, ""]);
    expect(taken.stdout).toMatch(new RegExp(`<= hcloud_firewall\\.cluster \\[id=\\d+\\] +# adopt existing object \\d+ \\(owned by another hk state, lineage ${lineage}: taken over as asked with --adopt\\)`));
  });

  it("a saved plan refuses --adopt, as it refuses --target and --replace", async () => {
    const saved = join(dir, "saved.plan");
    expect((await hk(["plan", "--sandbox", "--out", saved], { cwd: dir, env })).code).toBe(0);
    const r = await hk(["apply", saved, "--sandbox", "--adopt", "hcloud_firewall.cluster"], { cwd: dir, env });
    expect([r.code, noPreflight(r.stderr)]).toEqual([1, `Error: --adopt cannot change a saved plan: ${saved} is applied exactly as it was made\n  pass them to hk plan --out instead\n`]);
  });

  it("refuses a state file written for another stack, naming both and --state, leaving it as it was", async () => {
    const text = readFileSync(sandboxState, "utf8").replace(/"stack": "k8s"/, '"stack": "other"');
    writeFileSync(sandboxState, text);
    const before = readdirSync(join(dir, "state", "sandbox")).sort();
    try {
      for (const args of [["plan"], ["apply", "--auto-approve"]]) {
        const r = await hk([...args, "--sandbox"], { cwd: dir, env });
        expect(r.code).toBe(1);
        expect(noPreflight(r.stderr)).toBe(
          `Error: ${sandboxState}: this state belongs to stack "other", but the config declares stack "k8s"; nothing was read or written\n` +
            `  point hk at stack "k8s"'s own state with --state PATH, or at stack "other"'s config with -c PATH\n`,
        );
        expect(readFileSync(sandboxState, "utf8")).toBe(text);
        expect(readdirSync(join(dir, "state", "sandbox")).sort()).toEqual(before);
      }
    } finally {
      writeFileSync(sandboxState, text.replace(/"stack": "other"/, '"stack": "k8s"'));
    }
  });

  it("state list with no state says where it looked and points at the sandbox's, exit 1", async () => {
    const r = await hk(["state", "list"], { cwd: dir, env });
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(noPreflight(r.stderr)).toBe(`Error: no state at ${join(dir, "state", "hk.state.json")}: nothing was applied with it yet\n  the sandbox has a state: hk state list --sandbox\n`);
    const elsewhere = await hk(["state", "list", "--state", join(dir, "nope.json")], { cwd: dir, env });
    expect(noPreflight(elsewhere.stderr)).toContain("point at it: --sandbox for the sandbox's, -c CONFIG for another config's, --state PATH for any file");
    const listed = await hk(["state", "list", "--sandbox"], { cwd: dir, env });
    expect(listed.stdout).toMatch(/^hcloud_firewall\.cluster {2}\d+$/m);
    expect(listed.stdout).toMatch(/^hcloud_talos_image\.talos {2}\d+$/m);
  });

  it("an unknown --target lists the addresses there are", async () => {
    const r = await hk(["plan", "--sandbox", "--target", "nope"], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(noPreflight(r.stderr)).toMatch(/^Error: --target nope: no such resource in the config\n {2}resources in the config: .*hcloud_firewall\.cluster.*hcloud_talos_image\.talos/);
  });

  it("warns in validate and plan that an even control plane tolerates no more failures than one node less", async () => {
    const even = join(dir, "even.config.ts");
    writeFileSync(even, readFileSync(example, "utf8").replace("replicas: 3,", "replicas: 2,"));
    const warning = "Warning: controlPlane.replicas: 2 etcd members need 2 for quorum, so they tolerate no failure, no more than 1 would; use an odd count: 1 tolerates none, 3 tolerate 1, 5 tolerate 2\n";
    const validated = await hk(["validate", "-c", even], { cwd: dir, env });
    expect([validated.code, noPreflight(validated.stderr)]).toEqual([0, warning]);
    const planned = await hk(["plan", "--sandbox", "-c", even], { cwd: dir, env });
    expect([planned.code, noPreflight(planned.stderr)]).toEqual([0, warning]);
    expect((await hk(["validate"], { cwd: dir, env })).stderr).toBe("");
  });
});

describe("a read-only token", () => {
  const dir = tempDir("hk-ro-");
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";

  beforeAll(async () => {
    copyFileSync(example, join(dir, "cluster.config.ts"));
    serve = startHk(["sandbox", "serve"], { cwd: dir, env: { HOME: dir } });
    let out = "";
    await new Promise<void>((resolve) =>
      serve.child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (/HCLOUD_ENDPOINT=(\S+)/.test(out)) resolve();
      }),
    );
    endpoint = /HCLOUD_ENDPOINT=(\S+)/.exec(out)?.[1] ?? "";
  });
  afterAll(async () => {
    serve.child.kill("SIGTERM");
    await serve.done;
  });

  it("is refused by apply and destroy before anything is planned; plan still reads with it; a read & write one passes", async () => {
    const ro = { HOME: dir, HCLOUD_ENDPOINT: endpoint, HCLOUD_TOKEN: "ro-abc" };
    for (const args of [["apply", "--auto-approve"], ["destroy", "--auto-approve"]]) {
      const r = await hk(args, { cwd: dir, env: ro });
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(noPreflight(r.stderr)).toBe("Error: HCLOUD_TOKEN is a read-only token; hk needs to create and delete objects\n  create a Read & Write API token in the Hetzner Cloud console and export HCLOUD_TOKEN=<it>\n");
      expect(existsSync(join(dir, "state", "hk.state.json"))).toBe(false);
    }
    const planned = await hk(["plan"], { cwd: dir, env: ro });
    expect(planned.code).toBe(0);
    // Only the preflight's warnings (the load balancer's open ports, CACPPT's known deadlock).
    expect(noPreflight(planned.stderr).split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "))).toEqual([]);
    const rw = await hk(["destroy", "--auto-approve"], { cwd: dir, env: { ...ro, HCLOUD_TOKEN: "rw-abc" } });
    expect([rw.code, noPreflight(rw.stderr)]).toEqual([0, ""]);
  });
});
