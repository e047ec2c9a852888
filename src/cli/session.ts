// Everything a command works on: the loaded config as a stack of resources, the resource types
// (with their provider clients), the state, and the lock. Opened in that order so a bad config
// fails before anything is locked or read; closed in reverse.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { loadConfig, type LoadedConfig } from "../config/load.js";
import { configWarnings } from "../config/warnings.js";
import type { Stack } from "../engine/declaration.js";
import { AbortError } from "../engine/errors.js";
import { acquireLock, type Lock } from "../engine/lock.js";
import { registry as makeRegistry, type Registry } from "../engine/resource.js";
import { statePaths, type StatePaths } from "../engine/state-file.js";
import { StateStore } from "../engine/state-store.js";
import { parseDuration, paths, sameStateFlags, type GlobalOptions } from "./options.js";
import { HK_VERSION } from "./version.js";

export interface Target {
  stack: Stack;
  registry: Registry;
  /** Said once as warning diagnostics by plan, apply and destroy (e.g. faults the sandbox's server decides). */
  warnings?: string[];
  /** Checks of what the apply needs (hk doctor's, without the tools): failing ones only, each with what to do. */
  preflight?: () => Promise<Array<{ check: string; severity: "error" | "warning"; message: string; fix?: string }>>;
  close(): Promise<void>;
}

export interface Session {
  loaded: LoadedConfig;
  /** What the config may get wrong though valid (an even control plane): plan and apply say it. */
  warnings: string[];
  target: Target;
  paths: StatePaths;
  store: StateStore;
  lock: Lock | undefined;
  close(): Promise<void>;
}

/**
 * The stack and resource types a config stands for. With `connect`, provider clients are set up
 * (sandbox world opened, token checked; with "write", checked for write access too); without,
 * types exist only to plan the graph's shape.
 */
export async function openTarget(loaded: LoadedConfig, opts: GlobalOptions, connect: boolean | "write" = true, destroying = false): Promise<Target> {
  if (loaded.kind === "stack") {
    const m = loaded.module;
    const stack: Stack = { name: m.name, resources: m.resources };
    if (m.outputs) stack.outputs = m.outputs;
    return { stack, registry: makeRegistry(m.types), close: async () => undefined };
  }
  const { openClusterTarget } = await import("./cluster-target.js");
  return openClusterTarget(loaded.config, opts, paths(opts).sandboxDir, connect, destroying);
}

export async function openSession(opts: GlobalOptions, command: string, lock = true): Promise<Session> {
  const where = paths(opts);
  const loaded = await loadConfig(where.config);
  const sp = statePaths(where.state);
  let held: Lock | undefined;
  if (lock) {
    await mkdir(dirname(sp.state), { recursive: true, mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      throw new AbortError(`${sp.state}: cannot create the state's folder ${dirname(sp.state)} (${err.code ?? err.message})`, "pass --state PATH in a folder you can write to");
    });
    held = await acquireLock(sp.lock, { command, timeoutMs: parseDuration("--lock-timeout", opts.lockTimeout ?? "0s"), flags: sameStateFlags(opts) });
  }
  let target: Target | undefined;
  try {
    // apply and destroy change things: a read-only token is refused now, not half way through.
    // A destroy, or its plan, reads an unreachable cluster as a reason to tear down directly.
    target = await openTarget(loaded, opts, /^hk (apply|destroy)\b/.test(command) ? "write" : true, /^hk (destroy|plan --destroy)\b/.test(command));
    const types = target.registry;
    const store = await StateStore.open(sp, {
      stack: target.stack.name,
      hkVersion: HK_VERSION,
      key: process.env.HK_STATE_KEY,
      sensitiveOf: (t) => types.get(t)?.sensitive,
    });
    const t = target;
    return {
      loaded,
      warnings: loaded.kind === "cluster" ? configWarnings(loaded.config) : [],
      target: t,
      paths: sp,
      store,
      lock: held,
      async close() {
        await store.flush().catch(() => undefined);
        await t.close().catch(() => undefined);
        await held?.release();
      },
    };
  } catch (err) {
    await target?.close().catch(() => undefined);
    await held?.release();
    throw err;
  }
}
