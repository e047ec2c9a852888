// hk doctor: what a bootstrap needs, checked before it starts: the config's version matrix and
// what Hetzner's firewall leaves open (src/resources/capi/preflight.ts), and the tools on PATH
// (kind, clusterctl, Docker; under --sandbox the sandbox's own kind and clusterctl). Each check is
// printed with ✓ or ✗ and what to do; exit 1 when one that would stop the bootstrap fails.
import { loadConfig } from "../../config/load.js";
import { AbortError } from "../../engine/errors.js";
import { checkClusterctl, checkDocker, checkKind } from "../../providers/tool-versions.js";
import { configChecks, type Finding } from "../../resources/capi/preflight.js";
import { paths, type GlobalOptions } from "../options.js";

async function toolChecks(opts: GlobalOptions, coreVersion: string): Promise<Finding[]> {
  if (!opts.sandbox) return Promise.all([checkKind(process.env), checkClusterctl(process.env, coreVersion), checkDocker(process.env)]);
  const { sandboxToolEnv } = await import("../../sandbox/tools-env.js");
  const env = { ...process.env, ...sandboxToolEnv(paths(opts).sandboxDir) };
  const docker: Finding = { check: "docker", ok: true, severity: "error", message: "not needed under --sandbox: the sandbox's kind runs no containers" };
  return [...(await Promise.all([checkKind(env), checkClusterctl(env, coreVersion)])), docker];
}

function line(f: Finding): string {
  const mark = f.ok ? "✓" : "✗";
  const kind = !f.ok && f.severity === "warning" ? " (warning)" : "";
  return `${mark} ${f.check}${kind}: ${f.message}${!f.ok && f.fix ? `\n    ${f.fix}` : ""}\n`;
}

export default async function doctor(opts: GlobalOptions): Promise<number> {
  const loaded = await loadConfig(paths(opts).config);
  if (loaded.kind !== "cluster") throw new AbortError(`${loaded.path}: hk doctor checks a cluster config (defineConfig), not a stack module`);
  const findings = [...configChecks(loaded.config), ...(await toolChecks(opts, loaded.config.versions.clusterApi))];
  const blocking = findings.filter((f) => !f.ok && f.severity === "error");
  if (opts.json) process.stdout.write(JSON.stringify({ config: loaded.path, ok: blocking.length === 0, checks: findings }) + "\n");
  else {
    process.stdout.write(findings.map(line).join(""));
    process.stdout.write(blocking.length === 0 ? "\nReady to bootstrap.\n" : `\n${blocking.length} ${blocking.length === 1 ? "check stops" : "checks stop"} the bootstrap: fix ${blocking.length === 1 ? "it" : "them"} first.\n`);
  }
  return blocking.length === 0 ? 0 : 1;
}
