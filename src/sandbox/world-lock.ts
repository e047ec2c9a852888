// One writer per sandbox world: the process serving a world holds `<dir>/sandbox.lock` (created with
// O_EXCL) naming its pid, host, start time and URLs. Others connect to those URLs instead of
// opening the world themselves; a lock whose process died is taken over.
import { randomUUID } from "node:crypto";
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../engine/atomic-file.js";
import { processStart } from "../engine/lock.js";

export const LOCK_FILE = "sandbox.lock";

export interface WorldUrls {
  hcloudEndpoint: string;
  factoryUrl: string;
  ssh: { host: string; port: number };
}

export interface WorldLockInfo {
  id: string;
  pid: number;
  host: string;
  startedAt: string;
  procStart?: string;
  mode: "serve" | "embedded";
  urls?: WorldUrls;
}

export interface HeldLock {
  info: WorldLockInfo;
  publish(urls: WorldUrls): Promise<void>;
  release(): Promise<void>;
}

export type LockAttempt = { held: HeldLock } | { holder: WorldLockInfo };

export function lockPath(dir: string): string {
  return join(dir, LOCK_FILE);
}

export async function readWorldLock(dir: string): Promise<WorldLockInfo | "unreadable" | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath(dir), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const info = JSON.parse(text) as WorldLockInfo;
    return typeof info.pid === "number" && typeof info.id === "string" ? info : "unreadable";
  } catch {
    return "unreadable";
  }
}

/** Alive unless provably dead: same host and the pid is gone or now belongs to another process. */
export function holderAlive(info: WorldLockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const now = processStart(info.pid);
  return info.procStart === undefined || now === undefined || now === info.procStart;
}

export function describeHolder(info: WorldLockInfo): string {
  const what = info.mode === "serve" ? "hk sandbox serve" : "an hk command";
  return `${what} (pid ${info.pid} on ${info.host}, since ${info.startedAt})`;
}

/** Tries once to take the lock; when someone holds it, says who. Dead holders are cleared first. */
export async function tryLockWorld(dir: string, mode: WorldLockInfo["mode"]): Promise<LockAttempt | "retry"> {
  const path = lockPath(dir);
  const info: WorldLockInfo = { id: randomUUID(), pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), mode };
  const procStart = processStart(process.pid);
  if (procStart !== undefined) info.procStart = procStart;
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(JSON.stringify(info) + "\n");
    await fh.sync();
    await fh.close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const holder = await readWorldLock(dir);
    if (holder === undefined) return "retry";
    if (holder === "unreadable") {
      // Being written right now, or torn by a crash mid-write: give a writer two seconds.
      const age = Date.now() - (await stat(path).then((st) => st.mtimeMs).catch(() => Date.now()));
      if (age > 2000) await clearStale(path, undefined);
      return "retry";
    }
    if (!holderAlive(holder)) {
      await clearStale(path, holder.id);
      return "retry";
    }
    return { holder };
  }
  return {
    held: {
      info,
      publish: async (urls) => {
        info.urls = urls;
        await writeFileAtomic(path, JSON.stringify(info) + "\n", 0o600);
      },
      release: async () => {
        const now = await readWorldLock(dir);
        if (now !== undefined && now !== "unreadable" && now.id === info.id) await unlink(path).catch(() => undefined);
      },
    },
  };
}

async function clearStale(path: string, staleId: string | undefined): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  // If a live process replaced the stale lock between our read and the rename, put it back.
  const moved = JSON.parse(await readFile(aside, "utf8").catch(() => "{}")) as Partial<WorldLockInfo>;
  if (moved.id !== staleId) await rename(aside, path).catch(() => undefined);
  else await unlink(aside).catch(() => undefined);
}
