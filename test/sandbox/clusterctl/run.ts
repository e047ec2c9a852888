// Runs the sandbox's clusterctl as a real process, through its launcher (bin/sandbox/clusterctl:
// dist/ must be built, as npm test does first).
import { join } from "node:path";
import { execa } from "execa";

export const CLUSTERCTL_BIN = join(import.meta.dirname, "../../../bin/sandbox/clusterctl");

export interface CtlRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function clusterctl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CtlRun> {
  const r = await execa(CLUSTERCTL_BIN, args, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HK_SANDBOX_NODE: process.execPath, CLUSTERCTL_DISABLE_VERSIONCHECK: "true", ...env },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    timeout: 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The providers hk installs: the version matrix of seed 001. */
export const HK_PROVIDERS = ["--core", "cluster-api:v1.10.10", "--bootstrap", "talos:v0.6.11", "--control-plane", "talos:v0.5.12", "--infrastructure", "hetzner:v1.0.7", "--addon", "helm:v0.4.2"];
