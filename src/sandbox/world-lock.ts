// One writer per sandbox world: the process serving a world holds `<dir>/sandbox.lock` (the
// engine's PID-checked lock) and publishes its URLs in it. Others connect to those URLs instead of
// opening the world themselves; a lock whose process died is taken over.
import { join } from "node:path";
import { holderAlive, readLock, tryLock, type Lock, type LockInfo } from "../engine/lock.js";
import type { ControlEndpoint } from "./clusters/control-server.js";
import type { FaultSpec } from "./hcloud/index.js";

export const LOCK_FILE = "sandbox.lock";
const MODES = { serve: "hk sandbox serve", embedded: "an hk command" } as const;

export interface WorldUrls {
  hcloudEndpoint: string;
  factoryUrl: string;
  ssh: { host: string; port: number };
  /** Where the emulated `kind` asks the holder for clusters (absent from holders before clusters). */
  control?: ControlEndpoint;
  /** The faults the holder injects (none when absent): a joining hk cannot change them. */
  faults?: FaultSpec;
}

/** The engine's lock record; `data.urls` is where its holder serves the world. */
export type WorldLockInfo = LockInfo;

export interface HeldLock {
  info: WorldLockInfo;
  publish(urls: WorldUrls): Promise<void>;
  release(): Promise<void>;
}

export type LockAttempt = { held: HeldLock } | { holder: WorldLockInfo };

export function lockPath(dir: string): string {
  return join(dir, LOCK_FILE);
}

export function holderUrls(info: WorldLockInfo): WorldUrls | undefined {
  return (info.data as { urls?: WorldUrls } | undefined)?.urls;
}

export function describeHolder(info: WorldLockInfo): string {
  return `${info.command} (pid ${info.pid} on ${info.host}, since ${info.startedAt})`;
}

/** Tries once to take the lock; when someone holds it, says who. Dead holders are cleared first. */
export async function tryLockWorld(dir: string, mode: keyof typeof MODES): Promise<LockAttempt | "retry"> {
  const attempt = await tryLock(lockPath(dir), MODES[mode]);
  if (attempt === "retry" || "holder" in attempt) return attempt;
  const lock: Lock = attempt.held;
  return { held: { info: lock.info, publish: (urls) => lock.publish({ urls }), release: () => lock.release() } };
}

/** Who serves the world in `dir` right now and where, without taking anything: undefined when nobody (alive) does. */
export async function servedWorld(dir: string): Promise<{ holder: WorldLockInfo; urls: WorldUrls | undefined } | undefined> {
  const lock = await readLock(lockPath(dir));
  if (lock === undefined || lock === "unreadable" || !holderAlive(lock)) return undefined;
  return { holder: lock, urls: holderUrls(lock) };
}
