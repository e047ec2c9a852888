// How the emulated kind reaches the sandbox world (its "Docker"), and the pieces its commands share:
// errors printed as kind prints them, the log on stderr, cluster name defaults.
import { ControlClient, WorldUnreachable } from "../clusters/control-client.js";
import { SANDBOX_DIR_VAR } from "../tools-env.js";
import type { FlagValues } from "./kind-args.js";

/** Printed as `ERROR: <message>` on stderr, exit 1, as kind's main does with any error. */
export class KindError extends Error {
  override readonly name = "KindError";
}

export interface KindContext {
  flags: FlagValues;
  positional: string[];
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  /** kind's logger: stderr, silenced by -q. */
  log: (line: string) => void;
  /** Reads the --config file, or stdin for `-`. */
  readInput: (path: string) => Promise<string>;
}

export const DEFAULT_IMAGE = "kindest/node:v1.33.1";

/** --name/-n, else KIND_CLUSTER_NAME, else `fallback` (kind's default `kind`). */
export function clusterName(ctx: KindContext, fallback = "kind"): string {
  const flag = ctx.flags.name;
  if (typeof flag === "string" && flag !== "") return flag;
  return ctx.env.KIND_CLUSTER_NAME || fallback;
}

/** The world's control endpoint; a KindError naming the world and how to start it when there is none. */
export async function openWorld(ctx: KindContext, action: string): Promise<ControlClient> {
  const dir = ctx.env[SANDBOX_DIR_VAR];
  if (!dir) {
    throw new KindError(`${action}: no sandbox world to talk to (${SANDBOX_DIR_VAR} is not set): start one with \`hk sandbox serve\`, then run eval "$(hk sandbox env)" in this shell`);
  }
  try {
    return await ControlClient.open(dir);
  } catch (err) {
    if (err instanceof WorldUnreachable) throw new KindError(`${action}: ${err.message}`);
    throw err;
  }
}

/** A control call, its unreachable-world failure turned into kind's ERROR. */
export async function viaWorld<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error && !(err instanceof KindError)) throw new KindError(`${action}: ${err.message}`);
    throw err;
  }
}

export function noControlPlane(name: string): KindError {
  return new KindError(`could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`);
}

/** Go's %q of a []string: ["a" "b"]. */
export function goQuoteList(items: string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(" ")}]`;
}
