// The state's write-ahead journal: one appended, fsynced line per step (a few hundred bytes),
// so recording a step costs the same with 5 resources or 5,000. The full state file is still
// rewritten atomically, in the background and coalesced; on load, journal lines newer than the
// file are replayed. A torn last line (crash mid-append) is ignored: its step never started.
import { open, readFile, truncate, unlink, type FileHandle } from "node:fs/promises";
import { z } from "zod";
import { joinSecrets, openSecrets, sealSecrets, secretsFileSchema, splitSecrets, type SecretValues, type SensitivePaths } from "./secrets.js";
import { pendingOpSchema, recordsByAddress, resourceStateSchema, type PendingOp, type ResourceState, type StateData } from "./state.js";

const lineSchema = z.object({
  seq: z.number().int(),
  lineage: z.string(),
  /** Pending operations started (added) and finished (removed by id) by this change. */
  pendingAdd: z.array(pendingOpSchema).optional(),
  pendingRemove: z.array(z.string()).optional(),
  set: z.array(z.object({ address: z.string(), records: z.array(resourceStateSchema) })),
  secrets: secretsFileSchema.optional(),
});

export class Journal {
  private fh: FileHandle | undefined;
  private queued: Array<{ text: string; seq: number; done: () => void; fail: (e: unknown) => void }> = [];
  private writing: Promise<void> | undefined;
  lastSeq = 0;

  constructor(readonly path: string) {}

  /**
   * Append the records now standing at some addresses and the pending list's change; resolves
   * once durable. Lines queued while a write is in flight go out together in the next one
   * (group commit).
   */
  append(
    seq: number,
    state: StateData,
    set: ReadonlyArray<{ address: string; records: readonly ResourceState[] }>,
    pending: { add?: PendingOp; remove?: string },
    key: string | undefined,
    sensitiveOf: (type: string) => SensitivePaths | undefined,
  ): Promise<void> {
    const split = set.map(({ address, records }) => ({ address, ...splitSecrets({ ...state, resources: [...records], outputs: {} }, sensitiveOf) }));
    const secrets = Object.assign({}, ...split.map((p) => p.secrets)) as SecretValues;
    const line = {
      seq,
      lineage: state.lineage,
      ...(pending.add ? { pendingAdd: [pending.add] } : {}),
      ...(pending.remove ? { pendingRemove: [pending.remove] } : {}),
      set: split.map((p) => ({ address: p.address, records: p.state.resources })),
      ...(Object.keys(secrets).length > 0 ? { secrets: sealSecrets(secrets, state.lineage, seq, key) } : {}),
    };
    const text = JSON.stringify(line) + "\n";
    return new Promise<void>((done, fail) => {
      this.queued.push({ text, seq, done, fail });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      try {
        this.fh ??= await open(this.path, "a", 0o600);
        await this.fh.write(batch.map((b) => b.text).join(""));
        await this.fh.datasync();
        this.lastSeq = Math.max(this.lastSeq, ...batch.map((b) => b.seq));
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.fail(err);
      }
    }
    this.writing = undefined;
  }

  /** Drop the journal once the state file holds everything in it. */
  async discard(): Promise<void> {
    await this.writing;
    await this.fh?.close();
    this.fh = undefined;
    await unlink(this.path).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.writing;
    await this.fh?.close();
    this.fh = undefined;
  }
}

/**
 * Cut a torn last line (a crash mid-append) off the journal, so the next line appended starts on
 * a line of its own: glued to the fragment, it would be unreadable, and replay stops there.
 * Only a writer (holding the lock) calls this; the torn line's step never started.
 */
export async function dropTornTail(path: string): Promise<void> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch {
    return;
  }
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  await truncate(path, text.lastIndexOf(0x0a) + 1);
}

/**
 * Replay journal lines newer than the state file onto it; returns the highest seq replayed.
 * With `key` null, secrets are not opened and their markers stay (for read-only display).
 */
export async function replayJournal(path: string, state: StateData, key: string | undefined | null, fromSeq: number): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return fromSeq;
  }
  let last = fromSeq;
  // By address while replaying: a line replaces what stood at its addresses.
  const byAddress = recordsByAddress(state.resources);
  const pending = new Map(state.pending.map((p) => [p.id, p]));
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let line: z.infer<typeof lineSchema>;
    try {
      line = lineSchema.parse(JSON.parse(raw));
    } catch {
      break;
    }
    if (line.lineage !== state.lineage || line.seq <= last) continue;
    const secrets: SecretValues = line.secrets && key !== null ? openSecrets(line.secrets, key, path) : {};
    for (const id of line.pendingRemove ?? []) pending.delete(id);
    for (const p of (line.pendingAdd ?? []) as PendingOp[]) pending.set(p.id, p);
    for (const { address, records } of line.set) {
      byAddress.delete(address);
      if (records.length > 0) byAddress.set(address, joinSecrets({ ...state, resources: records as ResourceState[] }, secrets).state.resources);
    }
    last = line.seq;
  }
  state.resources = [...byAddress.values()].flat();
  state.pending = [...pending.values()];
  return last;
}
