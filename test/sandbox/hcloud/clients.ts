// Runs the real clients against an endpoint: Debian's hcloud CLI (1.30.3) and python3-hcloud (1.18.2).
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `hcloud ARGS` with a scratch HOME so no user config is read or written. */
export function hcloud(endpoint: string, home: string, args: string[]): Promise<RunResult> {
  return run("/usr/bin/hcloud", args, { PATH: "/usr/bin:/bin", HOME: home, HCLOUD_ENDPOINT: endpoint, HCLOUD_TOKEN: "sandbox-token" });
}

/** Runs a python script with `client` bound to an hcloud.Client for the endpoint; its stdout is the result. */
export function python(endpoint: string, script: string): Promise<RunResult> {
  const prelude = [
    "import json, sys",
    "from hcloud import Client, APIException",
    `client = Client(token="sandbox-token", api_endpoint=${JSON.stringify(endpoint)}, poll_interval=0.05)`,
    "",
  ].join("\n");
  return run("/usr/bin/python3", ["-"], { PATH: "/usr/bin:/bin", HOME: "/nonexistent", PYTHONDONTWRITEBYTECODE: "1" }, prelude + script);
}

/** `python` for scripts that print one JSON value: the parsed value, or a throw with python's stderr. */
export async function pythonJson<T = Record<string, unknown>>(endpoint: string, script: string): Promise<T> {
  const r = await python(endpoint, script);
  if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

/** One plain HTTP request to the endpoint, for what neither client lets a test see (status codes, raw bodies). */
export async function rest(endpoint: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(endpoint + path, {
    method,
    headers: { Authorization: "Bearer sandbox-token", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Waits until each action has finished (polling its status), so that what it locks is free again;
 * throws naming the action still running after `timeoutMs`.
 */
export async function actionsFinished(endpoint: string, actions: readonly { id: number }[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const a of actions) {
    for (;;) {
      const got = await rest(endpoint, "GET", `/actions/${a.id}`);
      if (got.status !== 200) throw new Error(`GET /actions/${a.id} answered ${got.status}`);
      if (got.body.action.status !== "running") break;
      if (Date.now() > deadline) throw new Error(`action ${a.id} (${got.body.action.command}) still running after ${timeoutMs / 1000} s`);
      await sleep(10);
    }
  }
}
