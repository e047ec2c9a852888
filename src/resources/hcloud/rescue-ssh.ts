// Run one command in a Hetzner rescue system over SSH, as root with a throwaway key. The rescue
// system is a fresh, short-lived host with a new host key on every boot, so its host key is not
// pinned (as hcloud-upload-image does); the key pair exists only for this build.
import ssh2, { type Client as SshClient } from "ssh2";
import { ExternalError } from "../../engine/errors.js";
import { ed25519KeyPair, type KeyPair } from "../../lib/ed25519.js";
import { interrupted, sleep } from "../../providers/hcloud/pacing.js";

// ssh2 is CommonJS: Node's ESM loader only offers its default export.
const { Client } = ssh2;

export interface SshTarget {
  host: string;
  port: number;
}

export type { KeyPair };

/** A new ed25519 key pair in OpenSSH format; the private half never leaves memory. */
export function throwawayKeyPair(comment: string): KeyPair {
  return ed25519KeyPair(comment);
}

export interface RunOptions {
  signal: AbortSignal;
  /** How long to keep trying to connect while the rescue system boots. */
  connectTimeoutMs: number;
  /** How long the command may run. */
  commandTimeoutMs: number;
  /** Called before each connection attempt after the first (the system is still booting). */
  onRetry?: (attempt: number) => void;
  /** Called once logged in, just before the command starts. */
  onConnected?: () => void;
}

/** Connect (retrying until the rescue system answers) and run `command`; a non-zero exit throws with its last output. */
export async function runInRescue(target: SshTarget, key: KeyPair, command: string, opts: RunOptions): Promise<{ output: string }> {
  const deadline = Date.now() + opts.connectTimeoutMs;
  let lastError = "";
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw interrupted();
    if (attempt > 1) opts.onRetry?.(attempt);
    let conn: SshClient | undefined;
    try {
      conn = await connect(target, key, Math.max(1_000, Math.min(20_000, deadline - Date.now())), opts.signal);
    } catch (err) {
      if (opts.signal.aborted) throw interrupted();
      lastError = err instanceof Error ? err.message : String(err);
      if (Date.now() >= deadline) {
        throw new ExternalError(`rescue system at ${target.host}:${target.port} did not accept SSH within ${Math.round(opts.connectTimeoutMs / 1000)} s (${lastError})`, true, "ssh_unreachable");
      }
      await sleep(Math.min(2_000, 250 * attempt), opts.signal);
      continue;
    }
    try {
      opts.onConnected?.();
      return await exec(conn, command, opts);
    } finally {
      conn.end();
    }
  }
}

function connect(target: SshTarget, key: KeyPair, readyTimeout: number, signal: AbortSignal): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    const onAbort = () => {
      conn.end();
      reject(interrupted());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    conn.once("ready", () => {
      signal.removeEventListener("abort", onAbort);
      resolve(conn);
    });
    conn.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      conn.end();
      reject(err);
    });
    conn.connect({ host: target.host, port: target.port, username: "root", privateKey: key.privateKey, readyTimeout, hostVerifier: () => true });
  });
}

function exec(conn: SshClient, command: string, opts: RunOptions): Promise<{ output: string }> {
  return new Promise((resolve, reject) => {
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4_000);
    };
    const timer = setTimeout(() => {
      conn.end();
      reject(new ExternalError(`command in the rescue system did not finish within ${Math.round(opts.commandTimeoutMs / 1000)} s`, true, "ssh_timeout"));
    }, opts.commandTimeoutMs);
    const onAbort = () => {
      clearTimeout(timer);
      conn.end();
      reject(interrupted());
    };
    opts.signal.addEventListener("abort", onAbort, { once: true });
    const done = (fn: () => void) => {
      clearTimeout(timer);
      opts.signal.removeEventListener("abort", onAbort);
      fn();
    };
    conn.exec(command, (err, stream) => {
      if (err) return done(() => reject(new ExternalError(`could not start the command in the rescue system: ${err.message}`, true, "ssh_exec")));
      stream.on("data", keep);
      stream.stderr.on("data", keep);
      stream.on("close", (code: number | null, signalName?: string) => {
        if (code === 0) return done(() => resolve({ output }));
        const why = code === null || code === undefined ? `was killed${signalName ? ` (${signalName})` : ""}` : `exited with ${code}`;
        const tail = output.trim().split("\n").slice(-5).join("\n");
        done(() => reject(new ExternalError(`command in the rescue system ${why}${tail ? `:\n${tail}` : ""}`, false, "ssh_command_failed")));
      });
    });
  });
}
