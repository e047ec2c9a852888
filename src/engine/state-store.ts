// The live state of a run: changed in memory, made durable before the change is acknowledged.
// A step's change goes to the journal (one fsynced line); the full state file is rewritten
// atomically in the background, coalesced, and at the end of the run, after which the journal
// is dropped. Changes without a step (planning facts, outputs) are written to the file directly.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { SensitivePaths } from "./secrets.js";
import { backupState, loadState, saveState, type StatePaths } from "./state-file.js";
import { Journal, replayJournal } from "./state-journal.js";
import { emptyState, type PendingOp, type StateData } from "./state.js";

export interface StateStoreOptions {
  stack: string;
  hkVersion: string;
  /** HK_STATE_KEY: encrypts the secrets sidecar and the journal's secrets when set. */
  key: string | undefined;
  sensitiveOf: (type: string) => SensitivePaths | undefined;
}

export function journalPath(paths: StatePaths): string {
  return `${paths.state}.journal`;
}

export class StateStore {
  private version = 0;
  private written = 0;
  private inflight: Promise<void> | undefined;
  private backedUp = false;
  private readonly journal: Journal;
  private catchUp: NodeJS.Timeout | undefined;
  /** Address of each operation this store began, by pending id. */
  private readonly pendingAddress = new Map<string, string>();
  /** How long the last full write took: the file follows the journal at a pace it can afford. */
  private lastWriteMs = 0;
  /**
   * How soon the state file follows the journal during a run: twenty times the last write's
   * duration (so writing takes at most ~5% of the run), never more than a second. A state of a
   * few dozen objects writes in milliseconds, so the file itself is current right after each
   * step; one of thousands is coalesced instead of rewritten thousands of times.
   */
  get catchUpMs(): number {
    return Math.min(1000, Math.round(20 * this.lastWriteMs));
  }
  /** Full state-file writes done by this store (for tests and the benchmark). */
  writes = 0;

  private constructor(
    readonly paths: StatePaths,
    private data: StateData,
    readonly existed: boolean,
    readonly missingSecrets: string[],
    private readonly opts: StateStoreOptions,
    replayedTo: number,
  ) {
    this.journal = new Journal(journalPath(paths));
    this.version = replayedTo;
    this.written = data.journalSeq ?? 0;
    this.journal.lastSeq = replayedTo;
  }

  static async open(paths: StatePaths, opts: StateStoreOptions): Promise<StateStore> {
    const loaded = await loadState(paths, opts.key);
    if (!loaded) return new StateStore(paths, emptyState(randomUUID(), opts.stack, opts.hkVersion), false, [], opts, 0);
    const replayed = await replayJournal(journalPath(paths), loaded.state, opts.key, loaded.state.journalSeq ?? 0);
    return new StateStore(paths, loaded.state, true, loaded.missingSecrets, opts, replayed);
  }

  /** The state as it is now, secrets included. Treat as read-only; change it through commit. */
  get current(): StateData {
    return this.data;
  }

  /**
   * Apply a change in memory now; resolves when it is durable. With `touched` (the addresses the
   * change affects) it is journaled and the file catches up in the background; without, the
   * whole file is written.
   */
  async commit(change: (state: StateData) => void, touched?: readonly string[], pending: { add?: PendingOp; remove?: string } = {}): Promise<void> {
    change(this.data);
    const seq = ++this.version;
    // The journal only makes sense on top of a state file: the very first change writes the file.
    if (touched === undefined || (!this.existed && this.writes === 0)) return this.flushUpTo(seq);
    await this.journal.append(seq, this.data, touched, pending, this.opts.key, this.opts.sensitiveOf);
    this.scheduleCatchUp();
  }

  /** Bring the state file up to date within `catchUpMs`, however many steps finish meanwhile. */
  private scheduleCatchUp(): void {
    if (this.catchUp) return;
    this.catchUp = setTimeout(() => {
      this.catchUp = undefined;
      void this.flushUpTo(this.version).catch(() => undefined);
    }, this.catchUpMs);
    this.catchUp.unref();
  }

  /** Record an operation before it starts, so a crash leaves a trace the next run can resolve. */
  async beginPending(op: Omit<PendingOp, "id" | "startedAt" | "pid" | "host">): Promise<string> {
    const id = randomUUID();
    const record: PendingOp = { ...op, id, startedAt: new Date().toISOString(), pid: process.pid, host: hostname() };
    this.pendingAddress.set(id, op.address);
    await this.commit((s) => s.pending.push(record), [op.address], { add: record });
    return id;
  }

  /** Finish a pending operation and record its outcome, durably, in one journal line. */
  endPending(id: string, change: (state: StateData) => void): Promise<void> {
    // By id, not by a scan: with thousands of steps in flight the pending list is long.
    const address = this.pendingAddress.get(id) ?? this.data.pending.find((p) => p.id === id)?.address;
    this.pendingAddress.delete(id);
    return this.commit(
      (s) => {
        const at = s.pending.findIndex((p) => p.id === id);
        if (at >= 0) s.pending.splice(at, 1);
        change(s);
      },
      address === undefined ? undefined : [address],
      { remove: id },
    );
  }

  /** Write every change so far into the state file itself and drop the journal. */
  async flush(): Promise<void> {
    if (this.catchUp) clearTimeout(this.catchUp);
    this.catchUp = undefined;
    await this.flushUpTo(this.version);
    if (this.written >= this.journal.lastSeq) await this.journal.discard();
  }

  async close(): Promise<void> {
    await this.flush().finally(() => this.journal.close());
  }

  private async flushUpTo(target: number): Promise<void> {
    while (this.written < target) {
      this.inflight ??= this.writeOnce().finally(() => {
        this.inflight = undefined;
      });
      await this.inflight;
    }
  }

  private async writeOnce(): Promise<void> {
    const upTo = this.version;
    if (!this.backedUp) {
      await backupState(this.paths);
      this.backedUp = true;
    }
    this.data.serial++;
    this.data.hkVersion = this.opts.hkVersion;
    this.data.journalSeq = upTo;
    // saveState serialises synchronously before its first await: the snapshot is taken here.
    const started = performance.now();
    await saveState(this.paths, this.data, this.opts.key, this.opts.sensitiveOf);
    this.lastWriteMs = performance.now() - started;
    this.writes++;
    this.written = upTo;
  }
}
