// Flag values as the engine wants them, each checked with a one-line error naming the flag.
import { dirname, resolve } from "node:path";
import { AbortError } from "../engine/errors.js";
import { wantsColor } from "../ui/color.js";

export interface GlobalOptions {
  config: string;
  state?: string;
  sandbox: boolean;
  color: boolean;
  json: boolean;
  lockTimeout?: string;
}

export interface PlanningOptions extends GlobalOptions {
  target: string[];
  replace?: string[];
  /** --adopt: take these resources' objects over from another state. */
  adopt?: string[];
  refresh: string;
  parallelism: string;
}

export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new AbortError(`${flag} ${text}: expected a duration like 30s, 5m or 1h`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as "ms" | "s" | "m" | "h"]);
}

export function parseParallelism(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new AbortError(`--parallelism ${text}: expected a whole number from 1 to 1000`);
  return n;
}

export function paths(opts: GlobalOptions): { config: string; state: string; sandboxDir: string } {
  const config = resolve(opts.config);
  const home = resolve(dirname(config), "state");
  const sandboxDir = resolve(home, "sandbox");
  const state = opts.state ? resolve(opts.state) : opts.sandbox ? resolve(sandboxDir, "hk.state.json") : resolve(home, "hk.state.json");
  return { config, state, sandboxDir };
}

/**
 * The flags that point another hk command at the same state (` --sandbox`, ` -c FILE`,
 * ` --state PATH`), for the commands hk suggests: a hint must work as printed.
 */
export function sameStateFlags(opts: GlobalOptions): string {
  const quote = (v: string) => (/^[\w./@:+-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  let flags = "";
  if (opts.config !== "cluster.config.ts") flags += ` -c ${quote(opts.config)}`;
  if (opts.state) flags += ` --state ${quote(opts.state)}`;
  if (opts.sandbox) flags += " --sandbox";
  return flags;
}

/** Colour by the usual rules (terminal, NO_COLOR, FORCE_COLOR, TERM=dumb), never with --no-color or --json. */
export function useColor(opts: GlobalOptions): boolean {
  return !opts.json && wantsColor({ stream: process.stdout, noColorFlag: !opts.color });
}
