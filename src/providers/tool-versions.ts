// The external programs the Cluster API bootstrap runs, checked before a run needs them: kind and
// clusterctl found on PATH in versions hk drives, and a Docker daemon for kind (real mode only).
// Each check runs the tool's own version command through execa with a deadline.
import { execa } from "execa";
import type { Finding } from "../resources/capi/preflight.js";

const TIMEOUT_MS = 20_000;

interface Ran {
  ok: boolean;
  out: string;
  missing: boolean;
}

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  try {
    const r = await execa(cmd, args, { env, reject: false, timeout: TIMEOUT_MS, stdin: "ignore" });
    const out = `${String(r.stdout)}\n${String(r.stderr)}`.trim();
    if (r.timedOut) return { ok: false, out: `${cmd} ${args.join(" ")} did not answer within ${TIMEOUT_MS / 1000}s`, missing: false };
    return { ok: r.exitCode === 0, out, missing: (r as { code?: string }).code === "ENOENT" };
  } catch (err) {
    return { ok: false, out: (err as Error).message, missing: (err as NodeJS.ErrnoException).code === "ENOENT" };
  }
}

const lastLine = (text: string) => text.split("\n").filter((l) => l.trim() !== "").pop() ?? "";

function semver(text: string): [number, number, number] | undefined {
  const m = /v(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** kind v0.27 and later: the first releases whose default node images run Kubernetes 1.32. */
export async function checkKind(env: NodeJS.ProcessEnv): Promise<Finding> {
  const check = "kind";
  const r = await run("kind", ["version"], env);
  if (r.missing) return { check, ok: false, severity: "error", message: "kind is not on PATH", fix: "install kind v0.29 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)" };
  const v = semver(r.out);
  if (!r.ok || !v) return { check, ok: false, severity: "error", message: `kind version failed: ${lastLine(r.out)}`, fix: "reinstall kind v0.29" };
  if (v[0] === 0 && v[1] < 27) return { check, ok: false, severity: "error", message: `kind v${v.join(".")} is too old (hk needs v0.27 or later)`, fix: "install kind v0.29" };
  return { check, ok: true, severity: "error", message: `kind v${v.join(".")}` };
}

/** clusterctl of the core provider's minor: its contract checks and move format follow the core. */
export async function checkClusterctl(env: NodeJS.ProcessEnv, coreVersion: string): Promise<Finding> {
  const check = "clusterctl";
  const r = await run("clusterctl", ["version", "-o", "short"], { ...env, CLUSTERCTL_DISABLE_VERSIONCHECK: "true" });
  if (r.missing) return { check, ok: false, severity: "error", message: "clusterctl is not on PATH", fix: `install clusterctl ${coreVersion} from the cluster-api release` };
  const v = semver(r.out);
  const want = semver(coreVersion);
  if (!r.ok || !v) return { check, ok: false, severity: "error", message: `clusterctl version failed: ${lastLine(r.out)}`, fix: `reinstall clusterctl ${coreVersion}` };
  if (!want || v[0] !== want[0] || v[1] !== want[1]) {
    return { check, ok: false, severity: "error", message: `clusterctl v${v.join(".")} does not match versions.clusterApi ${coreVersion}`, fix: `install clusterctl ${coreVersion}` };
  }
  return { check, ok: true, severity: "error", message: `clusterctl v${v.join(".")}` };
}

/** kind runs its nodes as Docker containers: the daemon must answer, not only the client exist. */
export async function checkDocker(env: NodeJS.ProcessEnv): Promise<Finding> {
  const check = "docker";
  const r = await run("docker", ["version", "--format", "{{.Server.Version}}"], env);
  if (r.missing) return { check, ok: false, severity: "error", message: "docker is not on PATH (kind runs its nodes as containers)", fix: "install Docker Engine and start it" };
  if (!r.ok) return { check, ok: false, severity: "error", message: `the Docker daemon does not answer: ${lastLine(r.out)}`, fix: "start Docker (systemctl start docker) and check that you may use it" };
  return { check, ok: true, severity: "error", message: `Docker Engine ${lastLine(r.out)}` };
}
