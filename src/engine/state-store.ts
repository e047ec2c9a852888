// The live state of a run: changed in memory, persisted atomically after every change. Writes are
// serialised and coalesced: a change resolves once a write that includes it is on disk, so many
// steps finishing together cost one write, never a torn or out-of-order one.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { SensitivePaths } from "./secrets.js";
import { backupState, loadState, saveState, type StatePaths } from "./state-file.js";
import { emptyState, type PendingOp, type StateData } from "./state.js";

export interface StateStoreOptions {
  stack: string;
  hkVersion: string;
  /** HK_STATE_KEY: encrypts the secrets sidecar when set. */
  key: string | undefined;
  sensitiveOf: (type: string) => SensitivePaths | undefined;
}

export class StateStore {
  private version = 0;
  private written = 0;
  private inflight: Promise<void> | undefined;
  private backedUp = false;
  /** Number of files writes done by this store (for tests and the benchmark). */
  writes = 0;

  private constructor(
    readonly paths: StatePaths,
    private data: StateData,
    readonly existed: boolean,
    readonly missingSecrets: string[],
    private readonly opts: StateStoreOptions,
  ) {}

  static async open(paths: StatePaths, opts: StateStoreOptions): Promise<StateStore> {
    const loaded = await loadState(paths, opts.key);
    if (loaded) return new StateStore(paths, loaded.state, true, loaded.missingSecrets, opts);
    return new StateStore(paths, emptyState(randomUUID(), opts.stack, opts.hkVersion), false, [], opts);
  }

  /** The state as it is now, secrets included. Treat as read-only; change it through commit. */
  get current(): StateData {
    return this.data;
  }

  /** Apply a change in memory now; resolves when a write including it is durable. */
  commit(change: (state: StateData) => void): Promise<void> {
    change(this.data);
    this.version++;
    return this.flushUpTo(this.version);
  }

  /** Record an operation before it starts, so a crash leaves a trace the next run can resolve. */
  async beginPending(op: Omit<PendingOp, "id" | "startedAt" | "pid" | "host">): Promise<string> {
    const id = randomUUID();
    await this.commit((s) => {
      s.pending.push({ ...op, id, startedAt: new Date().toISOString(), pid: process.pid, host: hostname() });
    });
    return id;
  }

  /** Finish a pending operation and record its outcome in the same write. */
  endPending(id: string, change: (state: StateData) => void): Promise<void> {
    return this.commit((s) => {
      s.pending = s.pending.filter((p) => p.id !== id);
      change(s);
    });
  }

  /** Wait for every change so far to be on disk. */
  flush(): Promise<void> {
    return this.flushUpTo(this.version);
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
    const snapshot = structuredClone(this.data);
    await saveState(this.paths, snapshot, this.opts.key, this.opts.sensitiveOf);
    this.writes++;
    this.written = upTo;
  }
}
