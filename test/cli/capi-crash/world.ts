// What the crash tests look at: a world served by `hk sandbox serve` in its own process (so the
// simulated controllers keep running while hk is killed), counted with the real hcloud CLI, the
// emulated kind, and the world holder's directory of clusters.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { sandboxToolEnv } from "../../../src/sandbox/tools-env.js";
import { startHk, type Run } from "../../support/cli.js";
import { until } from "../../support/until.js";

const run = promisify(execFile);

export interface Served {
  endpoint: string;
  stop(): Promise<void>;
}

/** `hk sandbox serve` in `dir` (HOME=dir), once it printed its endpoint. */
export async function serveWorld(dir: string, env: Record<string, string>): Promise<Served> {
  const serve = startHk(["sandbox", "serve"], { cwd: dir, env });
  let out = "";
  let ended = false;
  serve.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  void serve.done.then(() => (ended = true));
  await until("hk sandbox serve to print HCLOUD_ENDPOINT", () => /HCLOUD_ENDPOINT=(\S+)/.test(out), { failIf: () => (ended ? `it exited: ${out}` : undefined) });
  return {
    endpoint: /HCLOUD_ENDPOINT=(\S+)/.exec(out)?.[1] ?? "",
    stop: async () => {
      serve.child.kill("SIGTERM");
      await serve.done;
    },
  };
}

export interface Counted {
  servers: Array<{ id: number; name: string; role: string | undefined }>;
  loadBalancers: string[];
  networks: string[];
  placementGroups: string[];
  snapshots: string[];
  firewalls: string[];
  kind: string[];
  worldClusters: string[];
}

/** Everything a bootstrap makes, as the real hcloud CLI and the emulated kind list it. */
export async function count(dir: string, endpoint: string): Promise<Counted> {
  const env = { ...process.env, HOME: dir, HCLOUD_TOKEN: "any", HCLOUD_ENDPOINT: endpoint };
  const list = async <T>(resource: string, ...flags: string[]): Promise<T[]> => (JSON.parse((await run("hcloud", [resource, "list", ...flags, "-o", "json"], { env })).stdout) as T[] | null) ?? [];
  const named = (xs: Array<{ name: string }>) => xs.map((x) => x.name).sort();
  const servers = await list<{ id: number; name: string; labels: Record<string, string> }>("server");
  const kindOut = (await run(join(import.meta.dirname, "..", "..", "..", "bin", "sandbox", "kind"), ["get", "clusters"], { env: { ...process.env, HOME: dir, ...sandboxToolEnv(sandboxDir(dir)) } })).stdout;
  const kubeDir = join(sandboxDir(dir), "kube");
  return {
    servers: servers.map((s) => ({ id: s.id, name: s.name, role: s.labels.machine_type })).sort((a, b) => a.id - b.id),
    loadBalancers: named(await list("load-balancer")),
    networks: named(await list("network")),
    placementGroups: named(await list("placement-group")),
    snapshots: (await list<{ description: string }>("image", "-t", "snapshot")).map((i) => i.description),
    firewalls: named(await list("firewall")),
    kind: kindOut.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("No kind clusters")),
    worldClusters: existsSync(kubeDir) ? readdirSync(kubeDir).sort() : [],
  };
}

export const sandboxDir = (dir: string) => join(dir, "state", "sandbox");

/** Lines the runs print, one per step event: where a crash is chosen. */
export type Killed = { run: Run; at: string };

/**
 * Runs hk `args` and SIGKILLs it the moment a stdout line matches `at` (a prefix of a line, as the
 * plain printer writes `address: message`). Fails if hk ends before printing it.
 */
export async function killAt(dir: string, env: Record<string, string>, args: string[], at: string): Promise<Killed> {
  const child = startHk(args, { cwd: dir, env });
  let out = "";
  let err = "";
  let ended = false;
  let hit = "";
  child.child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  child.child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    if (hit !== "") return;
    const line = out.split("\n").find((l) => l.startsWith(at));
    if (line !== undefined) {
      hit = line;
      child.child.kill("SIGKILL");
    }
  });
  void child.done.then(() => (ended = true));
  await until(`hk ${args[0]} to print a line starting "${at}"`, () => hit !== "", {
    timeoutMs: 240_000,
    failIf: () => (ended && hit === "" ? `hk ended first:\n${out.split("\n").slice(-15).join("\n")}\n${err.split("\n").filter((l) => !l.startsWith("Warning:")).join("\n")}` : undefined),
  });
  return { run: await child.done, at: hit };
}
