// The live state of a run: changed in memory, made durable before the change is acknowledged.
// A step's change goes to the journal (one fsynced line); the full state file is rewritten
// atomically in the background, coalesced, and at the end of the run, after which the journal
// is dropped. Changes without a step (planning facts, outputs) are written to the file directly.
// Records are kept by address in memory, so a step's bookkeeping does not grow with the state.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { joinSecrets, type SensitivePaths } from "./secrets.js";
import { backupState, loadState, saveState, type StatePaths } from "./state-file.js";
import { dropTornTail, Journal, replayJournal } from "./state-journal.js";
import { AbortError, BugError } from "./errors.js";
import { emptyState, recordsByAddress, standingRecord, type PendingOp, type ResourceState, type StateData } from "./state.js";

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

const HOST = hostname();

export class StateStore {
  private version = 0;
  private written = 0;
  private inflight: Promise<void> | undefined;
  private backedUp = false;
  private readonly journal: Journal;
  private catchUp: NodeJS.Timeout | undefined;
  /**
   * The records by address and the pending operations by id: a step's change costs what its
   * address holds, not what the whole state holds (thousands of steps run at once). The arrays
   * in `data` are rebuilt from these only when somebody reads the whole state.
   */
  private byAddress = new Map<string, ResourceState[]>();
  private pendingById = new Map<string, PendingOp>();
  private stale = false;
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
    private readonly data: StateData,
    readonly existed: boolean,
    readonly missingSecrets: string[],
    private readonly opts: StateStoreOptions,
    replayedTo: number,
  ) {
    this.journal = new Journal(journalPath(paths));
    this.version = replayedTo;
    this.written = data.journalSeq ?? 0;
    this.journal.lastSeq = replayedTo;
    this.reindex();
  }

  static async open(paths: StatePaths, opts: StateStoreOptions): Promise<StateStore> {
    const loaded = await loadState(paths, opts.key);
    if (!loaded) return new StateStore(paths, emptyState(randomUUID(), opts.stack, opts.hkVersion), false, [], opts, 0);
    // Before the journal is replayed or trimmed: a state of another stack is left exactly as it is.
    if (loaded.state.stack !== opts.stack) {
      throw new AbortError(
        `${paths.state}: this state belongs to stack "${loaded.state.stack}", but the config declares stack "${opts.stack}"; nothing was read or written`,
        `point hk at stack "${opts.stack}"'s own state with --state PATH, or at stack "${loaded.state.stack}"'s config with -c PATH`,
      );
    }
    const replayed = await replayJournal(journalPath(paths), loaded.state, opts.key, loaded.state.journalSeq ?? 0);
    await dropTornTail(journalPath(paths));
    // Missing is what is still a marker once the journal is replayed: a crash between the two
    // writes leaves the sidecar one write ahead of the file, without the secrets of records the
    // journal then replaces.
    const missing = replayed > (loaded.state.journalSeq ?? 0) ? joinSecrets(loaded.state, {}).missing : loaded.missingSecrets;
    return new StateStore(paths, loaded.state, true, missing, opts, replayed);
  }

  /** The lineage of the state: fixed when it was made; resource types mark their objects with it. */
  get lineage(): string {
    return this.data.lineage;
  }

  /** The state as it is now, secrets included. Treat as read-only; change it through commit. */
  get current(): StateData {
    if (this.stale) {
      this.data.resources = [...this.byAddress.values()].flat();
      this.data.pending = [...this.pendingById.values()];
      this.stale = false;
    }
    return this.data;
  }

  /** The records at an address (live, tainted, deposed, dormant), without reading the whole state. */
  recordsAt(address: string): readonly ResourceState[] {
    return this.byAddress.get(address) ?? [];
  }

  /** The record standing for an address (see standingRecord), without reading the whole state. */
  find(address: string): ResourceState | undefined {
    return standingRecord(this.recordsAt(address));
  }

  private reindex(): void {
    this.byAddress = recordsByAddress(this.data.resources);
    this.pendingById = new Map(this.data.pending.map((p) => [p.id, p]));
  }

  /**
   * Change the whole state in memory now and write the whole file; resolves when it is durable.
   * Steps change one address through commitAt instead (one journal line).
   */
  async commit(change: (state: StateData) => void): Promise<void> {
    change(this.current);
    this.reindex();
    return this.flushUpTo(++this.version);
  }

  /**
   * Change the records at one address (`change` returns the records standing there after it),
   * and the pending list; resolves once durable (one journal line).
   */
  async commitAt(address: string, change: (records: ResourceState[]) => ResourceState[], pending: { add?: PendingOp; remove?: string } = {}): Promise<void> {
    const records = change([...this.recordsAt(address)]);
    if (records.length > 0) this.byAddress.set(address, records);
    else this.byAddress.delete(address);
    if (pending.remove !== undefined) this.pendingById.delete(pending.remove);
    if (pending.add) this.pendingById.set(pending.add.id, pending.add);
    this.stale = true;
    await this.journaled(++this.version, [address], pending);
  }

  private async journaled(seq: number, touched: readonly string[], pending: { add?: PendingOp; remove?: string }): Promise<void> {
    // The journal only makes sense on top of a state file: the very first change writes the file.
    if (!this.existed && this.writes === 0) return this.flushUpTo(seq);
    const set = touched.map((address) => ({ address, records: this.recordsAt(address) }));
    await this.journal.append(seq, this.data, set, pending, this.opts.key, this.opts.sensitiveOf);
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
    const record: PendingOp = { ...op, id, startedAt: new Date().toISOString(), pid: process.pid, host: HOST };
    // Only the pending list changes: the line carries no records.
    this.pendingById.set(id, record);
    this.stale = true;
    await this.journaled(++this.version, [], { add: record });
    return id;
  }

  /**
   * Finish a pending operation and record its outcome at the operation's address, durably, in
   * one journal line. `change` gets the records there and returns those standing after it.
   */
  endPending(id: string, change: (records: ResourceState[]) => ResourceState[] = (records) => records): Promise<void> {
    const op = this.pendingById.get(id);
    if (!op) throw new BugError(`no pending operation ${id}`);
    return this.commitAt(op.address, change, { remove: id });
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
    await saveState(this.paths, this.current, this.opts.key, this.opts.sensitiveOf);
    this.lastWriteMs = performance.now() - started;
    this.writes++;
    this.written = upTo;
  }
}
