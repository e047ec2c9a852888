// The `clusterctl` CLI through execa, the same calls in both modes: the real clusterctl v1.10 on
// PATH, or under --sandbox the emulated one that sandboxToolEnv puts first. clusterctl logs to
// stderr (`Message key="value"`), prints data on stdout and fails with cobra's `Error: message`
// and exit 1 (clis/NOTES.md); a failure is reported with that last Error: line, naming the command.
import { execa } from "execa";
import { ExternalError } from "../engine/errors.js";

export interface ClusterctlEnv {
  /** Added to the child's environment (PATH of the emulated clusterctl, the sandbox world). */
  env?: Record<string, string>;
  /** The executable: `clusterctl` on PATH by default. */
  bin?: string;
  signal?: AbortSignal | undefined;
  /** clusterctl --config FILE (the local repository's config) */
  configPath?: string;
  /** each stderr/stdout log line, for progress */
  onLine?: (line: string) => void;
}

/** "name:version" per provider type, e.g. core "cluster-api:v1.10.10", infrastructure "hetzner:v1.0.7", bootstrap "talos:v0.6.11", controlPlane "talos:v0.5.12", addon "helm:v0.4.2". */
export interface CapiProviderSet {
  core: string;
  infrastructure: string;
  bootstrap: string;
  controlPlane: string;
  addon: string;
}

export type CapiProviderKind = keyof CapiProviderSet;

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

export interface ClusterctlRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** clusterctl's last `Error:` line, without the prefix. */
  error: string | undefined;
}

/** Splits a stream into lines for `each`; returns a flush for the unterminated rest. */
function lines(stream: NodeJS.ReadableStream | null | undefined, each: (line: string) => void): () => void {
  let buf = "";
  stream?.on("data", (d: Buffer) => {
    buf += d.toString("utf8");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      each(buf.slice(0, i).replace(ANSI, "").replace(/\r/g, ""));
      buf = buf.slice(i + 1);
    }
  });
  return () => {
    if (buf !== "") each(buf.replace(ANSI, "").replace(/\r/g, ""));
    buf = "";
  };
}

/** Runs `clusterctl <args> [--config FILE]`; `what` names the command in errors. */
export async function runClusterctl(e: ClusterctlEnv, args: string[], what: string): Promise<ClusterctlRun> {
  const argv = [...args, ...(e.configPath ? ["--config", e.configPath] : [])];
  const child = execa(e.bin ?? "clusterctl", argv, {
    // The version check would spend GitHub API quota on every run (peers/LESSONS.md).
    env: { ...(e.env ?? {}), CLUSTERCTL_DISABLE_VERSIONCHECK: "true" },
    reject: false,
    stripFinalNewline: false,
    stdin: "ignore",
    ...(e.signal ? { cancelSignal: e.signal } : {}),
    forceKillAfterDelay: 2_000,
  });
  let error: string | undefined;
  const flushErr = lines(child.stderr, (line) => {
    if (line.startsWith("Error: ")) error = line.slice("Error: ".length).trim();
    e.onLine?.(line);
  });
  const flushOut = lines(child.stdout, (line) => e.onLine?.(line));
  const r = await child;
  flushErr();
  flushOut();
  if (e.signal?.aborted) throw new ExternalError(`interrupted while running ${what}`, false, "interrupted");
  if (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message ?? ""))) {
    throw new ExternalError(`clusterctl is not installed (not found on PATH): install clusterctl v1.10 (https://cluster-api.sigs.k8s.io/user/quick-start#install-clusterctl), or use --sandbox`, false, "not-installed");
  }
  const run = { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? ""), error };
  if (run.exitCode !== 0) {
    const why = run.error ?? (run.stderr.trim().split("\n").pop() || `exit code ${run.exitCode}`);
    throw new ExternalError(`${what} failed: ${why}`, false, "clusterctl");
  }
  return run;
}

const kube = (o: { kubeconfig: string }) => ["--kubeconfig", o.kubeconfig];

/** The init/upgrade flag of each provider type, in clusterctl's install order. */
const FLAGS: [CapiProviderKind, string][] = [
  ["core", "--core"],
  ["bootstrap", "--bootstrap"],
  ["controlPlane", "--control-plane"],
  ["infrastructure", "--infrastructure"],
  ["addon", "--addon"],
];

/** The namespace each provider's components install into (upgrade apply names the instance by it). */
const NAMESPACES: Record<string, string> = {
  "core/cluster-api": "capi-system",
  "bootstrap/talos": "cabpt-system",
  "bootstrap/kubeadm": "capi-kubeadm-bootstrap-system",
  "controlPlane/talos": "cacppt-system",
  "controlPlane/kubeadm": "capi-kubeadm-control-plane-system",
  "infrastructure/hetzner": "caph-system",
  "addon/helm": "caaph-system",
};

/** `namespace/name:version` as upgrade apply wants it; an unknown provider keeps `name:version`. */
export function upgradeTarget(kind: CapiProviderKind, provider: string): string {
  if (provider.includes("/")) return provider;
  const ns = NAMESPACES[`${kind}/${provider.split(":")[0] ?? ""}`];
  return ns ? `${ns}/${provider}` : provider;
}

/** `clusterctl init --core … --wait-providers`: installs cert-manager and the five providers. */
export async function clusterctlInit(e: ClusterctlEnv, o: { kubeconfig: string; providers: CapiProviderSet; waitTimeoutSeconds?: number }): Promise<void> {
  const args = ["init", ...FLAGS.flatMap(([k, flag]) => [flag, o.providers[k]]), ...kube(o), "--wait-providers"];
  if (o.waitTimeoutSeconds !== undefined) args.push("--wait-provider-timeout", String(o.waitTimeoutSeconds));
  await runClusterctl(e, args, "clusterctl init");
}

/** `clusterctl upgrade apply --core ns/name:version … --wait-providers`: every provider to the given version, its controller rolled out. */
export async function clusterctlUpgradeApply(e: ClusterctlEnv, o: { kubeconfig: string; providers: CapiProviderSet; waitTimeoutSeconds?: number }): Promise<void> {
  const args = ["upgrade", "apply", ...FLAGS.flatMap(([k, flag]) => [flag, upgradeTarget(k, o.providers[k])]), ...kube(o), "--wait-providers"];
  if (o.waitTimeoutSeconds !== undefined) args.push("--wait-provider-timeout", String(o.waitTimeoutSeconds));
  await runClusterctl(e, args, "clusterctl upgrade apply");
}

/** The Clusters count of clusterctl's `Moving Cluster API objects Clusters=N` line, if it printed one. */
export function parseMovedCount(stderr: string): number | undefined {
  const m = /^Moving Cluster API objects Clusters=(\d+)/m.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** `clusterctl move --to-kubeconfig T [-n NS] [--dry-run]`; `moved` is the number of Clusters clusterctl said it moves. */
export async function clusterctlMove(e: ClusterctlEnv, o: { kubeconfig: string; toKubeconfig: string; namespace?: string; dryRun?: boolean }): Promise<{ moved: number | undefined }> {
  const args = ["move", ...kube(o), "--to-kubeconfig", o.toKubeconfig];
  if (o.namespace) args.push("--namespace", o.namespace);
  if (o.dryRun) args.push("--dry-run");
  const r = await runClusterctl(e, args, `clusterctl move${o.dryRun ? " --dry-run" : ""}`);
  return { moved: parseMovedCount(r.stderr) };
}

/** `clusterctl get kubeconfig NAME [-n NS]`: the workload cluster's kubeconfig YAML. */
export async function clusterctlGetKubeconfig(e: ClusterctlEnv, o: { kubeconfig: string; cluster: string; namespace?: string }): Promise<string> {
  const args = ["get", "kubeconfig", o.cluster, ...(o.namespace ? ["--namespace", o.namespace] : []), ...kube(o)];
  return (await runClusterctl(e, args, `clusterctl get kubeconfig ${o.cluster}`)).stdout;
}

/** `clusterctl describe cluster NAME [-n NS]`: the condition tree, as clusterctl prints it. */
export async function clusterctlDescribe(e: ClusterctlEnv, o: { kubeconfig: string; cluster: string; namespace?: string }): Promise<string> {
  const args = ["describe", "cluster", o.cluster, ...(o.namespace ? ["--namespace", o.namespace] : []), ...kube(o)];
  return (await runClusterctl(e, args, `clusterctl describe cluster ${o.cluster}`)).stdout;
}

/** `clusterctl version -o short`: e.g. "v1.10.10". */
export async function clusterctlVersion(e: ClusterctlEnv): Promise<string> {
  return (await runClusterctl(e, ["version", "--output", "short"], "clusterctl version")).stdout.trim();
}
