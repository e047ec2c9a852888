// One holder at a time. A lock is a file created with O_EXCL holding who has it (pid, host,
// command, start time, the kernel's process start time) and optional data the holder publishes.
// A lock whose process is dead (same host, pid gone or reused) is taken over, as is a torn lock
// file older than two seconds, so a crash never leaves a lock someone must hunt down. `hk unlock
// ID` removes one by hand (e.g. held from another host). Used for the state and the sandbox world.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { z } from "zod";
import { writeFileAtomic } from "./atomic-file.js";
import { AbortError } from "./errors.js";

const lockSchema = z.object({
  id: z.string(),
  pid: z.number().int(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
  procStart: z.string().optional(),
  data: z.unknown().optional(),
});
export type LockInfo = z.infer<typeof lockSchema>;

export interface Lock {
  readonly info: LockInfo;
  /** Rewrite the lock with data for others to read (e.g. the address a holder serves on). */
  publish(data: unknown): Promise<void>;
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

/** Alive unless provably dead: same host and the pid is gone or now belongs to another process. */
export function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const start = processStart(info.pid);
  return info.procStart === undefined || start === undefined || start === info.procStart;
}

/** Who holds the lock; "unreadable" while it is being written (or was torn by a crash). */
export async function readLock(path: string): Promise<LockInfo | "unreadable" | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : "unreadable";
  } catch {
    return "unreadable";
  }
}

export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} on ${info.host} ("${info.command}", since ${info.startedAt}), lock ID ${info.id}`;
}

/** Move a stale lock aside, unless someone replaced it in the meantime (then put that back). */
async function clearStale(path: string, staleId: string | undefined): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readLock(aside);
  const movedId = moved === undefined || moved === "unreadable" ? undefined : moved.id;
  if (movedId !== staleId) await rename(aside, path).catch(() => undefined);
  else await unlink(aside).catch(() => undefined);
}

function heldLock(path: string, info: LockInfo): Lock {
  return {
    info,
    async publish(data) {
      info.data = data;
      await writeFileAtomic(path, JSON.stringify(info) + "\n", 0o600);
    },
    async release() {
      const now = await readLock(path);
      if (now !== undefined && now !== "unreadable" && now.id === info.id) await unlink(path).catch(() => undefined);
    },
  };
}

/** One attempt: the lock, or who holds it; "retry" when a stale lock was just cleared. */
export async function tryLock(path: string, command: string): Promise<{ held: Lock } | { holder: LockInfo } | "retry"> {
  const info: LockInfo = { id: randomUUID(), pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  const procStart = processStart(process.pid);
  if (procStart !== undefined) info.procStart = procStart;
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(JSON.stringify(info) + "\n");
    await fh.sync();
    await fh.close();
    return { held: heldLock(path, info) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new AbortError(`${path}: cannot create the lock file: ${(err as Error).message}`);
  }
  const holder = await readLock(path);
  if (holder === undefined) return "retry";
  if (holder === "unreadable") {
    // Being written right now, or torn by a crash mid-write: give a writer two seconds.
    const age = Date.now() - (await stat(path).then((s) => s.mtimeMs).catch(() => Date.now()));
    if (age <= 2000) return "retry";
    await clearStale(path, undefined);
    return "retry";
  }
  if (!holderAlive(holder)) {
    await clearStale(path, holder.id);
    return "retry";
  }
  return { holder };
}

/** `flags`: what makes a suggested `hk unlock` reach this same lock (e.g. " --sandbox"). */
export async function acquireLock(path: string, opts: { command: string; timeoutMs?: number; pollMs?: number; flags?: string }): Promise<Lock> {
  const deadline = Date.now() + (opts.timeoutMs ?? 0);
  const pause = () => new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  for (let spins = 0; ; spins++) {
    const attempt = await tryLock(path, opts.command);
    if (attempt !== "retry" && "held" in attempt) return attempt.held;
    if (attempt === "retry") {
      // A stale lock was cleared (go again now) or one is being written (wait a little).
      if (spins > 0) await pause();
      if (Date.now() < deadline + 2500) continue;
    }
    if (Date.now() >= deadline) {
      const holder = attempt === "retry" ? undefined : attempt.holder;
      throw new AbortError(
        `the state is locked by ${holder ? describeHolder(holder) : "another process"}`,
        holder ? `wait for it, pass --lock-timeout to wait, or if that hk is gone for good run: hk unlock ${holder.id}${opts.flags ?? ""}` : "try again",
      );
    }
    await pause();
  }
}

/**
 * `hk unlock ID`: remove the lock if it has that ID. A holder on this host that is still running
 * keeps it unless `force`: two hk writing one state is what the lock is there to prevent.
 */
export async function forceUnlock(path: string, id: string, force = false, flags = ""): Promise<LockInfo> {
  const holder = await readLock(path);
  if (!holder) throw new AbortError(`${path}: there is no lock to remove`);
  if (holder === "unreadable") {
    await unlink(path);
    return { id, pid: -1, host: "?", command: "?", startedAt: "?" };
  }
  if (holder.id !== id) throw new AbortError(`${path}: the lock has ID ${holder.id}, not ${id}`, `check the ID: held by ${describeHolder(holder)}`);
  if (!force && holder.host === hostname() && holderAlive(holder)) {
    throw new AbortError(
      `${path}: the lock is held by ${describeHolder(holder)}, which is still running; removing it would let two hk write this state at once`,
      `wait for it, or stop it (kill -INT ${holder.pid}); hk unlock --force ${id}${flags} removes the lock anyway`,
    );
  }
  await unlink(path);
  return holder;
}
