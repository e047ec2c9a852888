// The `kind` CLI through execa, the same calls in both modes: the real kind on PATH, or under
// --sandbox the emulated one that sandboxToolEnv puts first. kind logs to stderr (` • STEP  ...`,
// ` ✓ STEP`, ` ✗ STEP`, `ERROR: message`) and prints data on stdout (clis/NOTES.md); create's
// steps become step progress, and a failure is reported with kind's own last ERROR: line.
import { execa } from "execa";
import { ExternalError } from "../engine/errors.js";

export interface KindEnv {
  /** Added to the child's environment (PATH of the emulated kind, the sandbox world). */
  env?: Record<string, string>;
  /** The executable: `kind` on PATH by default. */
  bin?: string;
  signal?: AbortSignal | undefined;
}

export type KindStepState = "running" | "done" | "failed";

/** What a stderr line of kind says, if it is one of its step or error lines. */
export type KindLine = { step: string; state: KindStepState } | { error: string } | { warning: string } | undefined;

/** The emoji kind ends its lines with (anything but words, numbers and punctuation kind's texts use). */
const ICONS = /(\s+[^\sA-Za-z0-9().,:=≤"'/-]+)+\s*$/u;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

export function parseKindLine(raw: string): KindLine {
  const line = raw.replace(ANSI, "").replace(/\r/g, "");
  if (line.startsWith("ERROR: ")) return { error: line.slice("ERROR: ".length).trim() };
  const m = /^\s*([•✓✗])\s+(.*?)\s*$/u.exec(line);
  if (!m) return undefined;
  const text = (m[2] ?? "").replace(/\s*\.\.\.$/, "").replace(ICONS, "").trim();
  if (m[1] === "•" && text.startsWith("WARNING: ")) return { warning: text.slice("WARNING: ".length).replace(ICONS, "") };
  if (m[1] === "•" && /^Ready after /.test(text)) return { step: text, state: "done" };
  return { step: text, state: m[1] === "✓" ? "done" : m[1] === "✗" ? "failed" : "running" };
}

export interface KindRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** kind's last `ERROR:` line, without the prefix. */
  error: string | undefined;
}

function run(args: string[], opts: KindEnv, onLine?: (line: string) => void): Promise<KindRun> {
  const child = execa(opts.bin ?? "kind", args, {
    env: opts.env ?? {},
    reject: false,
    stdin: "ignore",
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    forceKillAfterDelay: 5_000,
  });
  let error: string | undefined;
  let buf = "";
  child.stderr?.on("data", (d: Buffer) => {
    buf += d.toString("utf8");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const parsed = parseKindLine(line);
      if (parsed && "error" in parsed) error = parsed.error;
      onLine?.(line);
    }
  });
  return child.then((r) => {
    if (buf !== "") {
      const parsed = parseKindLine(buf);
      if (parsed && "error" in parsed) error = parsed.error;
      onLine?.(buf);
    }
    if (opts.signal?.aborted) throw new ExternalError(`interrupted while running kind ${args.slice(0, 2).join(" ")}`, false, "interrupted");
    if (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message ?? ""))) {
      throw new ExternalError(`kind is not installed (not found on PATH): install kind v0.29 (https://kind.sigs.k8s.io), or use --sandbox`, false, "not-installed");
    }
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? ""), error };
  });
}

function failed(what: string, r: KindRun): ExternalError {
  const why = r.error ?? (r.stderr.trim().split("\n").pop() || `exit code ${r.exitCode}`);
  return new ExternalError(`${what} failed: ${why}`, false, "kind");
}

export interface CreateClusterOptions extends KindEnv {
  name: string;
  image: string;
  kubeconfig: string;
  /** kind's --wait, e.g. "5m". */
  wait: string;
  /** Each step line as kind prints it: running, done, failed. */
  onStep?: (step: string, state: KindStepState) => void;
  onWarning?: (message: string) => void;
}

/** `kind create cluster --name N --image I --kubeconfig P --wait W`. */
export async function kindCreateCluster(o: CreateClusterOptions): Promise<void> {
  const args = ["create", "cluster", "--name", o.name, "--image", o.image, "--kubeconfig", o.kubeconfig, "--wait", o.wait];
  const r = await run(args, o, (line) => {
    const parsed = parseKindLine(line);
    if (parsed && "step" in parsed) o.onStep?.(parsed.step, parsed.state);
    if (parsed && "warning" in parsed) o.onWarning?.(parsed.warning);
  });
  if (r.exitCode !== 0) throw failed(`kind create cluster --name ${o.name}`, r);
}

/** `kind get clusters`: the names, sorted as kind prints them. */
export async function kindGetClusters(o: KindEnv = {}): Promise<string[]> {
  const r = await run(["get", "clusters"], o);
  if (r.exitCode !== 0) throw failed("kind get clusters", r);
  return r.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "");
}

/** `kind delete cluster --name N [--kubeconfig P]`: a missing cluster is no error (kind says so too). */
export async function kindDeleteCluster(o: KindEnv & { name: string; kubeconfig?: string }): Promise<void> {
  const r = await run(["delete", "cluster", "--name", o.name, ...(o.kubeconfig ? ["--kubeconfig", o.kubeconfig] : [])], o);
  if (r.exitCode !== 0) throw failed(`kind delete cluster --name ${o.name}`, r);
}
