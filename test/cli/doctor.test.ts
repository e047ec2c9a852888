// hk doctor through the built CLI: under --sandbox the sandbox's own kind and clusterctl answer;
// in real mode recording fake executables on PATH stand in for kind, clusterctl and docker (the
// seam is PATH, as for the real tools), and each problem is named with what to do.
import { chmod, copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hk } from "../support/cli.js";

const EXAMPLE = join(import.meta.dirname, "../../cluster.config.ts");

async function workdir(edit?: (config: string) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hk-doctor-"));
  await copyFile(EXAMPLE, join(dir, "cluster.config.ts"));
  if (edit) await writeFile(join(dir, "cluster.config.ts"), edit(await readFile(join(dir, "cluster.config.ts"), "utf8")));
  return dir;
}

/** A fake tool: prints `out` (to stdout) or `err` (to stderr, exit 1), and records its arguments. */
async function fakeTool(bin: string, name: string, answer: { out?: string; err?: string }): Promise<void> {
  const script = `#!/bin/sh\necho "$*" >> "${bin}/${name}.calls"\n${answer.err ? `echo '${answer.err}' >&2\nexit 1` : `echo '${answer.out ?? ""}'`}\n`;
  await writeFile(join(bin, name), script);
  await chmod(join(bin, name), 0o755);
}

describe("hk doctor", () => {
  it("under --sandbox finds the sandbox's kind and clusterctl and needs no Docker", async () => {
    const dir = await workdir();
    const r = await hk(["doctor", "--sandbox"], { cwd: dir });
    expect(r.stdout).toContain("✓ kind: kind v0.29.0");
    expect(r.stdout).toContain("✓ clusterctl: clusterctl v1.10.10");
    expect(r.stdout).toContain("✓ docker: not needed under --sandbox");
    expect(r.stdout).toContain("✗ load balancer exposure (warning):");
    expect(r.stdout).toContain("✓ server type cx33: controlPlane.serverType cx33 is sold in nbg1 for amd64");
    expect(r.stdout).toContain("✓ machine config size: largest machine config (control plane) about");
    expect(r.stdout).toContain("Ready to bootstrap.");
    expect(r.code).toBe(0);
  });

  it("in real mode names a too-old kind, a clusterctl of another minor and a Docker daemon that does not answer", async () => {
    const dir = await workdir();
    const bin = await mkdtemp(join(tmpdir(), "hk-doctor-bin-"));
    await fakeTool(bin, "kind", { out: "kind v0.20.0 go1.20.4 linux/amd64" });
    await fakeTool(bin, "clusterctl", { out: "v1.9.4" });
    await fakeTool(bin, "docker", { err: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" });
    const r = await hk(["doctor"], { cwd: dir, env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(r.stdout).toContain("✗ kind: kind v0.20.0 is too old (hk needs v0.27 or later)\n    install kind v0.29");
    expect(r.stdout).toContain("✗ clusterctl: clusterctl v1.9.4 does not match versions.clusterApi v1.10.10\n    install clusterctl v1.10.10");
    expect(r.stdout).toContain("✗ docker: the Docker daemon does not answer: Cannot connect to the Docker daemon");
    expect(r.stdout).toContain("✗ Hetzner server types (warning): HCLOUD_TOKEN is not set");
    expect(r.stdout).toContain("3 checks stop the bootstrap: fix them first.");
    expect(r.code).toBe(1);
    expect(await readFile(join(bin, "clusterctl.calls"), "utf8")).toBe("version -o short\n");
  });

  it("refuses a provider matrix off the v1beta1 contract, with --json", async () => {
    const dir = await workdir((c) => c.replace('caph: "v1.0.7"', 'caph: "v1.1.0"'));
    const r = await hk(["doctor", "--sandbox", "--json"], { cwd: dir });
    const doc = JSON.parse(r.stdout) as { ok: boolean; checks: { check: string; ok: boolean; message: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.checks.find((c) => c.check === "provider contract" && !c.ok)?.message).toContain("versions.caph v1.1.0");
    expect(r.code).toBe(1);
  });
});
