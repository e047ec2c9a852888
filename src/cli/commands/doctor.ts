// hk doctor: what a bootstrap needs, checked before it starts: the config's version matrix and
// what Hetzner's firewall leaves open (src/resources/capi/preflight.ts), and the tools on PATH
// (kind, clusterctl, Docker; under --sandbox the sandbox's own kind and clusterctl), and the server
// types against the Hetzner API (the sandbox's, or HCLOUD_TOKEN's project). Each check is
// printed with ✓ or ✗ and what to do; exit 1 when one that would stop the bootstrap fails.
import { loadConfig } from "../../config/load.js";
import type { ClusterConfig } from "../../config/schema.js";
import { AbortError } from "../../engine/errors.js";
import { checkClusterctl, checkDocker, checkKind } from "../../providers/tool-versions.js";
import { HcloudClient, hcloudClientFromEnv } from "../../providers/hcloud/index.js";
import { configChecks, hcloudChecks, type Finding } from "../../resources/capi/preflight.js";
import { paths, type GlobalOptions } from "../options.js";

async function toolChecks(opts: GlobalOptions, coreVersion: string): Promise<Finding[]> {
  if (!opts.sandbox) return Promise.all([checkKind(process.env), checkClusterctl(process.env, coreVersion), checkDocker(process.env)]);
  const { sandboxToolEnv } = await import("../../sandbox/tools-env.js");
  const env = { ...process.env, ...sandboxToolEnv(paths(opts).sandboxDir) };
  const docker: Finding = { check: "docker", ok: true, severity: "error", message: "not needed under --sandbox: the sandbox's kind runs no containers" };
  return [...(await Promise.all([checkKind(env), checkClusterctl(env, coreVersion)])), docker];
}

/** Server types need the API: without a token they are reported unchecked, not failed (doctor runs before a project exists). */
async function apiChecks(opts: GlobalOptions, config: ClusterConfig): Promise<Finding[]> {
  const check = "Hetzner server types";
  if (opts.sandbox) {
    const { openSandbox } = await import("../../sandbox/world.js");
    const conn = await openSandbox(paths(opts).sandboxDir);
    try {
      return await hcloudChecks(HcloudClient.create({ token: "sandbox", endpoint: conn.hcloudEndpoint }), config);
    } finally {
      await conn.close();
    }
  }
  if (!process.env.HCLOUD_TOKEN?.trim()) return [{ check, ok: false, severity: "warning", message: "HCLOUD_TOKEN is not set: server types and locations not checked", fix: "export HCLOUD_TOKEN=<a read token of the project> and run hk doctor again" }];
  try {
    return await hcloudChecks(hcloudClientFromEnv(), config);
  } catch (err) {
    return [{ check, ok: false, severity: "error", message: `cannot read the Hetzner catalogue: ${(err as Error).message.split("\n")[0] ?? ""}`, fix: "check HCLOUD_TOKEN and the network, then run hk doctor again" }];
  }
}

function line(f: Finding): string {
  const mark = f.ok ? "✓" : "✗";
  const kind = !f.ok && f.severity === "warning" ? " (warning)" : "";
  return `${mark} ${f.check}${kind}: ${f.message}${!f.ok && f.fix ? `\n    ${f.fix}` : ""}\n`;
}

export default async function doctor(opts: GlobalOptions): Promise<number> {
  const loaded = await loadConfig(paths(opts).config);
  if (loaded.kind !== "cluster") throw new AbortError(`${loaded.path}: hk doctor checks a cluster config (defineConfig), not a stack module`);
  const findings = [...configChecks(loaded.config), ...(await apiChecks(opts, loaded.config)), ...(await toolChecks(opts, loaded.config.versions.clusterApi))];
  const blocking = findings.filter((f) => !f.ok && f.severity === "error");
  if (opts.json) process.stdout.write(JSON.stringify({ config: loaded.path, ok: blocking.length === 0, checks: findings }) + "\n");
  else {
    process.stdout.write(findings.map(line).join(""));
    process.stdout.write(blocking.length === 0 ? "\nReady to bootstrap.\n" : `\n${blocking.length} ${blocking.length === 1 ? "check stops" : "checks stop"} the bootstrap: fix ${blocking.length === 1 ? "it" : "them"} first.\n`);
  }
  return blocking.length === 0 ? 0 : 1;
}
