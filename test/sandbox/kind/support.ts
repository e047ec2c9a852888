// Running the sandbox's emulated kind as a real process (bin/sandbox/kind, which runs dist/: build
// first, npm test does), against a world served in the test process.
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SANDBOX_BIN_DIR, sandboxToolEnv } from "../../../src/sandbox/tools-env.js";

export const KIND = join(SANDBOX_BIN_DIR, "kind");

export interface KindRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kind ARGS` with exactly `env` (plus PATH), stdin from `input`; resolves when it exits. */
export function kind(args: string[], env: Record<string, string>, input?: string): Promise<KindRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(KIND, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.stdin.end(input ?? "");
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A HOME of its own and the tool environment of the world in `worldDir`. */
export async function kindEnv(worldDir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const home = await mkdtemp(join(tmpdir(), "hk-kind-home-"));
  return { ...sandboxToolEnv(worldDir), HOME: home, ...extra };
}

/** kind's create lines on stderr for a one-node cluster, up to the salutation. */
export function createLines(name: string, image = "kindest/node:v1.33.1", kubeconfigFlag = ""): string[] {
  const steps = [`Ensuring node image (${image}) 🖼`, "Preparing nodes 📦 ", "Writing configuration 📜", "Starting control-plane 🕹️", "Installing CNI 🔌", "Installing StorageClass 💾"];
  return [
    `Creating cluster "${name}" ...`,
    ...steps.flatMap((s) => [` • ${s}  ...`, ` ✓ ${s}`]),
    `Set kubectl context to "kind-${name}"`,
    "You can now use your cluster with:",
    "",
    `kubectl cluster-info --context kind-${name}${kubeconfigFlag}`,
    "",
  ];
}
