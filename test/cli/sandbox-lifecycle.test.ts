// The "done when", as a new user would try it: a fresh copy of the example config, the
// sandbox served in another "terminal", the real hcloud CLI looking at what hk made.
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "../support/engine-harness.js";
import { hk, startHk } from "../support/cli.js";
import { until } from "../support/until.js";

// Every test here runs several hk processes, each taking seconds on a loaded machine: the suite's
// 60 s per test is not enough there, and a timeout is not what these tests are about.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const example = join(import.meta.dirname, "..", "..", "cluster.config.ts");

describe("sandbox lifecycle of the example config", () => {
  const dir = tempDir("hk-lifecycle-");
  const env: Record<string, string> = { HOME: dir };
  let serve: ReturnType<typeof startHk>;
  let endpoint = "";
  const hcloud = async (...args: string[]) => (await run("hcloud", args, { env: { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint } })).stdout;

  beforeAll(async () => {
    copyFileSync(example, join(dir, "cluster.config.ts"));
    serve = startHk(["sandbox", "serve"], { cwd: dir, env });
    let out = "";
    let ended = false;
    serve.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    void serve.done.then(() => (ended = true));
    await until("hk sandbox serve to print HCLOUD_ENDPOINT", () => /HCLOUD_ENDPOINT=(\S+)/.test(out), { failIf: () => (ended ? `it exited: ${out}` : undefined) });
    endpoint = /HCLOUD_ENDPOINT=(\S+)/.exec(out)?.[1] ?? "";
  });
  afterAll(async () => {
    serve.child.kill("SIGTERM");
    await serve.done;
  });

  it("apply builds the snapshot and the firewall, with the cost in the plan", async () => {
    const r = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cost estimate \(monthly\):/);
    expect(r.stdout).toMatch(/CAPH \(3 × control plane\) +3 × cx33 in nbg1/);
    expect(r.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
  });

  it("the hcloud CLI sees them with the right labels, rules and selector", async () => {
    const images = JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-l", "os=talos", "-o", "json")) as Array<{ description: string; labels: Record<string, string> }>;
    expect(images).toHaveLength(1);
    expect(images[0]?.description).toBe("talos-amd64-v1.12.2");
    expect(images[0]?.labels).toMatchObject({ os: "talos", "talos-version": "v1.12.2", "caph-image-name": "talos-amd64-v1.12.2", "hk/stack": "k8s" });
    const fw = JSON.parse(await hcloud("firewall", "describe", "k8s-firewall", "-o", "json")) as {
      rules: Array<{ port: string | null; protocol: string; source_ips: string[] }>;
      applied_to: Array<{ type: string; label_selector?: { selector: string } }>;
      labels: Record<string, string>;
    };
    expect(fw.rules.filter((x) => x.protocol === "tcp").map((x) => [x.port, x.source_ips])).toEqual([
      ["6443", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
      ["50000", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
    ]);
    expect(fw.applied_to).toEqual([{ type: "label_selector", label_selector: { selector: "caph-cluster-k8s=owned" }, applied_to_resources: [] }]);
    expect(fw.labels).toMatchObject({ "hk/stack": "k8s", "hk/address": "hcloud_firewall.cluster" });
    // The build server and its SSH key are gone.
    expect(JSON.parse(await hcloud("server", "list", "-o", "json"))).toBeNull();
    expect(JSON.parse(await hcloud("ssh-key", "list", "-o", "json"))).toBeNull();
  });

  it("plan --detailed-exitcode exits 0", async () => {
    const r = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No changes.");
  });

  it("labels CAPH looks the snapshot up by, changed behind hk's back, are drift put right in place", async () => {
    const [image] = JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-l", "os=talos", "-o", "json")) as Array<{ id: number }>;
    await hcloud("image", "remove-label", String(image?.id), "caph-image-name");
    await hcloud("image", "add-label", "--overwrite", String(image?.id), "os=other");
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("changed outside hk");
    expect(plan.stdout).toContain("~ hcloud_talos_image.talos");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    const fixed = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(fixed.code).toBe(0);
    const found = JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-l", "caph-image-name=talos-amd64-v1.12.2,os=talos", "-o", "json")) as Array<{ id: number }>;
    expect(found.map((i) => i.id)).toEqual([image?.id]);
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("what a killed run made for itself (a build server and key) is deleted by the next apply", async () => {
    // As a build killed by a second Ctrl-C leaves them: labelled hk/temporary for this stack.
    await hcloud("ssh-key", "create", "--name", "hk-talos-build-dead", "--public-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x", "--label", "hk/temporary=image-build", "--label", "hk/stack=k8s");
    await hcloud("server", "create", "--name", "hk-talos-build-dead", "--type", "cx23", "--image", "debian-12", "--label", "hk/temporary=image-build", "--label", "hk/stack=k8s");
    await hcloud("ssh-key", "create", "--name", "someone-elses", "--public-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIrRSjAXMIQy1WSXj0RBWz0RdykRMvxq/FUBfHvQXIWU y", "--label", "hk/temporary=image-build", "--label", "hk/stack=other");
    const plan = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("- hcloud_server.hk-talos-build-dead");
    expect(plan.stdout).toContain("- hcloud_ssh_key.hk-talos-build-dead");
    expect(plan.stdout).toContain("left by an interrupted hk run");
    expect(plan.stdout).toContain("Plan: 0 to add, 0 to change, 2 to destroy.");
    expect((await hk(["apply", "--sandbox", "--auto-approve"], { cwd: dir, env })).code).toBe(0);
    expect(JSON.parse(await hcloud("server", "list", "-o", "json"))).toBeNull();
    expect((JSON.parse(await hcloud("ssh-key", "list", "-o", "json")) as Array<{ name: string }>).map((k) => k.name)).toEqual(["someone-elses"]);
    await hcloud("ssh-key", "delete", "someone-elses");
    expect((await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env })).code).toBe(0);
  });

  it("a rule change plans one in-place update with the rule diff; a Talos bump plans the image replacement", async () => {
    const cfg = join(dir, "cluster.config.ts");
    const original = readFileSync(cfg, "utf8");
    writeFileSync(cfg, original.replace('"192.168.0.0/16"]', '"192.168.0.0/16", "203.0.113.0/24"]'));
    const rule = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(rule.code).toBe(2);
    expect(rule.stdout).toContain("~ hcloud_firewall.cluster");
    // Only the added element, with the others counted (the list diff of the plan view).
    expect(rule.stdout).toContain('rules.0.sourceIps: [\n          # (3 unchanged elements hidden)\n        + "203.0.113.0/24",\n      ]');
    expect(rule.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    writeFileSync(cfg, original.replace('version: "v1.12.2"', 'version: "v1.12.3"'));
    const bump = await hk(["plan", "--sandbox", "--detailed-exitcode"], { cwd: dir, env });
    expect(bump.code).toBe(2);
    expect(bump.stdout).toContain("+/- hcloud_talos_image.talos");
    expect(bump.stdout).toContain("# forces replacement: talosVersion");
    expect(bump.stdout).toContain("Plan: 1 to add, 0 to change, 1 to destroy.");
    writeFileSync(cfg, original);
  });

  it("destroy leaves nothing hk or the cluster made", async () => {
    // Something CAPH would have made, and something nobody asked hk about.
    await hcloud("placement-group", "create", "--name", "k8s-control-plane", "--type", "spread", "--label", "caph-cluster-k8s=owned");
    await hcloud("placement-group", "create", "--name", "not-ours", "--type", "spread");
    const r = await hk(["destroy", "--sandbox", "--auto-approve"], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("hcloud_placement_group.k8s-control-plane");
    expect(r.stdout).toContain("Destroy complete! Resources: 3 destroyed.");
    expect(JSON.parse(await hcloud("image", "list", "-t", "snapshot", "-o", "json"))).toBeNull();
    expect(JSON.parse(await hcloud("firewall", "list", "-o", "json"))).toBeNull();
    expect((JSON.parse(await hcloud("placement-group", "list", "-o", "json")) as Array<{ name: string }>).map((p) => p.name)).toEqual(["not-ours"]);
  });

  it("gets through a full apply and destroy at a 10% fault rate", async () => {
    const faulty = tempDir("hk-faults-");
    copyFileSync(example, join(faulty, "cluster.config.ts"));
    const fenv = { HOME: faulty, HK_SANDBOX_FAULTS: "rate=0.1,seed=11" };
    const up = await hk(["apply", "--sandbox", "--auto-approve"], { cwd: faulty, env: fenv });
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    const down = await hk(["destroy", "--sandbox", "--auto-approve"], { cwd: faulty, env: fenv });
    expect(down.code).toBe(0);
  });
});
