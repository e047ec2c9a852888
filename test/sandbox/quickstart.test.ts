// The README's Kubernetes quick start, exactly as a new user follows it: `hk sandbox serve` in one
// terminal; in another, a bash that runs eval "$(hk sandbox env)", the sandbox's kind, and the
// user's own kubectl and helm (the real ones) against the cluster kind made.
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HK_BIN, hk, startHk } from "../support/cli.js";
import { tempDir } from "../support/engine-harness.js";
import { freshClientEnv, HELM, KUBECTL, requireKubeTools } from "../support/kube-tools.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const CHART = join(ROOT, "test", "fixtures", "kube", "charts", "quickstart");

/** What the user types in the second terminal; markers split the transcript into steps. */
const SCRIPT = `set -eu
eval "$(hk sandbox env)"
echo "### which"; command -v kind
echo "### hcloud"; hcloud location list -o noheader -o columns=name 2>&1
echo "### create"; kind create cluster --name demo 2>&1
echo "### nodes"; kubectl get nodes 2>&1
echo "### helm"; helm install hello "$CHART" --wait --timeout 2m 2>&1
echo "### deployment"; kubectl get deployment hello-web 2>&1
echo "### delete"; kind delete cluster --name demo 2>&1
echo "### end"
`;

function bash(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn("bash", ["-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", fail);
    child.once("close", (code) => done({ code, out }));
  });
}

function steps(out: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const chunk of out.split("### ").slice(1)) {
    const [name = "", ...rest] = chunk.split("\n");
    parts[name] = rest.join("\n");
  }
  return parts;
}

describe("the README's Kubernetes quick start", () => {
  const cwd = tempDir("hk-quickstart-");
  const bin = join(cwd, "bin");
  let serve: ReturnType<typeof startHk>;
  let served = "";
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    requireKubeTools();
    copyFileSync(join(ROOT, "cluster.config.ts"), join(cwd, "cluster.config.ts"));
    // The user's PATH: hk (npm link), their own kubectl and helm, and no kind of their own.
    mkdirSync(bin);
    writeFileSync(join(bin, "hk"), `#!/bin/sh\nexec "${process.execPath}" "${HK_BIN}" "$@"\n`);
    chmodSync(join(bin, "hk"), 0o755);
    symlinkSync(KUBECTL, join(bin, "kubectl"));
    symlinkSync(HELM, join(bin, "helm"));
    env = await freshClientEnv({ PATH: `${bin}:/usr/bin:/bin`, CHART, NO_COLOR: "1" });
    serve = startHk(["sandbox", "serve"], { cwd, env: { HOME: env.HOME ?? cwd } });
    serve.child.stdout?.on("data", (d: Buffer) => (served += d.toString()));
    await new Promise<void>((ok, bad) => {
      const timer = setTimeout(() => bad(new Error(`hk sandbox serve did not print its world line within 60 s:\n${served}`)), 60_000);
      const check = () => {
        if (!served.includes("# world:")) return;
        clearTimeout(timer);
        ok();
      };
      serve.child.stdout?.on("data", check);
      serve.child.once("exit", (code) => bad(new Error(`hk sandbox serve exited with ${code}:\n${served}`)));
    });
  });
  afterAll(async () => {
    serve?.child.kill("SIGKILL");
    await rm(cwd, { recursive: true, force: true });
  });

  it("serve, env, kind create, kubectl get nodes, helm install, kind delete", async () => {
    expect(served).toContain("# Kubernetes clusters: none yet");
    const { code, out } = await bash(SCRIPT, env, cwd);
    expect(code, out).toBe(0);
    const s = steps(out);
    expect(s.which?.trim()).toBe(join(ROOT, "bin", "sandbox", "kind"));
    // The user's own hcloud reaches the sandbox's Hetzner API through the exported endpoint and token.
    expect(s.hcloud?.split("\n").filter(Boolean).sort()).toEqual(["ash", "fsn1", "hel1", "hil", "nbg1", "sin"]);
    expect(s.create).toContain('Creating cluster "demo" ...');
    expect(s.create).toContain('Set kubectl context to "kind-demo"');
    expect(s.nodes).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION\ndemo-control-plane +Ready +control-plane +\S+ +v1\.33\.1\n/);
    expect(s.helm).toMatch(/^NAME: hello\n/);
    expect(s.helm).toContain("STATUS: deployed");
    expect(s.deployment).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nhello-web +2\/2 +2 +2 +/);
    expect(s.delete).toBe('Deleting cluster "demo" ...\nDeleted nodes: ["demo-control-plane"]\n');
    expect(served).toMatch(/# Kubernetes cluster demo \(kind, v1\.33\.1\): https:\/\/127\.0\.0\.1:\d+ \(new\)\n/);
    expect(served).toContain("# Kubernetes cluster demo deleted\n");
  }, 240_000);

  it("once the server stops, hk sandbox env says nothing serves the world, exit 1", async () => {
    serve.child.kill("SIGINT");
    const stopped = await serve.done;
    expect(stopped.code).toBe(0);
    const r = await hk(["sandbox", "env"], { cwd, env: { HOME: env.HOME ?? cwd } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`Error: nothing serves the sandbox world in ${join(cwd, "state", "sandbox")}`);
    expect(r.stderr).toContain("hk sandbox serve");
  });
});
