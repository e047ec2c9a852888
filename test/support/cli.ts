// Run the built hk CLI as a real process (dist/ must be built: npm test does it first).
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export const HK_BIN = join(import.meta.dirname, "..", "..", "bin", "hk.js");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startHk(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): { child: ChildProcess; done: Promise<Run> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...opts.env };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [HK_BIN, ...args], {
    cwd: opts.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  else child.stdin?.end();
  const done = new Promise<Run>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function hk(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): Promise<Run> {
  return startHk(args, opts).done;
}
