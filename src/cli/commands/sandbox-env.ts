// hk sandbox env: POSIX `export` lines for the world `hk sandbox serve` serves, so that after
// `eval "$(hk sandbox env)"` a shell's own hcloud, kubectl and helm and the sandbox's `kind` (first
// on PATH) all work against the sandbox. Nothing served: says so on stderr, exit 1.
import { resolve } from "node:path";
import { AbortError } from "../../engine/errors.js";
import { paths } from "../options.js";

interface Options {
  config: string;
  dir?: string;
}

/** A value as one POSIX shell word: single-quoted, a ' written as '\''. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export default async function env(opts: Options): Promise<number> {
  const dir = opts.dir ? resolve(opts.dir) : paths({ config: opts.config, sandbox: true, color: false, json: false }).sandboxDir;
  const [{ servedWorld }, { sandboxToolEnv }] = await Promise.all([import("../../sandbox/world-lock.js"), import("../../sandbox/tools-env.js")]);
  const served = await servedWorld(dir);
  if (!served?.urls) {
    const why = served ? `the sandbox world in ${dir} is still starting (${served.holder.command}, pid ${served.holder.pid})` : `nothing serves the sandbox world in ${dir}`;
    throw new AbortError(why, `start it in another terminal with hk sandbox serve${opts.dir ? ` --dir ${shellQuote(opts.dir)}` : opts.config !== "cluster.config.ts" ? ` -c ${shellQuote(opts.config)}` : ""}, then run eval "$(hk sandbox env)" again`);
  }
  const vars: [string, string][] = [
    ["HCLOUD_ENDPOINT", served.urls.hcloudEndpoint],
    ["HCLOUD_TOKEN", "sandbox"],
    ...Object.entries(sandboxToolEnv(dir)).filter(([k]) => k !== "PATH"),
    ["PATH", sandboxToolEnv(dir).PATH ?? ""],
  ];
  process.stdout.write(vars.map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join(""));
  if (served.holder.command !== "hk sandbox serve") {
    process.stderr.write(`Warning: the sandbox world in ${dir} is held by ${served.holder.command} (pid ${served.holder.pid}) only while it runs; for a lasting one, run hk sandbox serve\n`);
  }
  return 0;
}
