// One hk at a time per state file. The lock is a file created with O_EXCL holding who has it;
// a lock whose process is dead (same host, pid gone or reused) is taken over, so a crash never
// leaves a lock someone must hunt down. `hk unlock ID` removes one by hand (e.g. from another host).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { link, open, readFile, rename, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { z } from "zod";
import { AbortError } from "./errors.js";

const lockSchema = z.object({
  id: z.string(),
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
  procStart: z.string().optional(),
});
export type LockInfo = z.infer<typeof lockSchema>;

export interface Lock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

/** The kernel's start time of a process (Linux), to tell a live holder from a reused pid. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

function isAlive(info: LockInfo): boolean {
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const start = processStart(info.pid);
  return info.procStart === undefined || start === undefined || start === info.procStart;
}

export async function readLock(path: string): Promise<LockInfo | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = lockSchema.safeParse(safeJson(text));
  // A torn or foreign lock file (hk crashed while writing it) counts as held by nobody alive.
  return parsed.success ? parsed.data : { id: "unreadable", pid: -1, host: hostname(), command: "?", startedAt: "?" };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} on ${info.host} ("${info.command}", since ${info.startedAt}), lock ID ${info.id}`;
}

async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(JSON.stringify(info) + "\n");
    await fh.sync();
    await fh.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new AbortError(`${path}: cannot create the lock file: ${(err as Error).message}`);
  }
}

/** Move a dead holder's lock aside, unless someone replaced it in the meantime (then put that back). */
async function removeStale(path: string, stale: LockInfo): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readLock(aside);
  if (moved && moved.id !== stale.id) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

export async function acquireLock(path: string, opts: { command: string; timeoutMs?: number; pollMs?: number }): Promise<Lock> {
  const info: LockInfo = { id: randomUUID(), pid: process.pid, host: hostname(), command: opts.command, startedAt: new Date().toISOString() };
  const procStart = processStart(process.pid);
  if (procStart !== undefined) info.procStart = procStart;
  const deadline = Date.now() + (opts.timeoutMs ?? 0);
  for (;;) {
    if (await tryCreate(path, info)) {
      return { info, release: () => releaseLock(path, info.id) };
    }
    const holder = await readLock(path);
    if (holder && holder.host === info.host && !isAlive(holder)) {
      await removeStale(path, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? describeHolder(holder) : "another process";
      throw new AbortError(
        `the state is locked by ${who}`,
        holder ? `wait for it, pass --lock-timeout to wait, or if that hk is gone for good run: hk unlock ${holder.id}` : "try again",
      );
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}

async function releaseLock(path: string, id: string): Promise<void> {
  const holder = await readLock(path);
  if (holder?.id === id) await unlink(path).catch(() => undefined);
}

/** `hk unlock ID`: remove the lock if it has that ID. */
export async function forceUnlock(path: string, id: string): Promise<LockInfo> {
  const holder = await readLock(path);
  if (!holder) throw new AbortError(`${path}: there is no lock to remove`);
  if (holder.id !== id) throw new AbortError(`${path}: the lock has ID ${holder.id}, not ${id}`, `check the ID: held by ${describeHolder(holder)}`);
  await unlink(path);
  return holder;
}
