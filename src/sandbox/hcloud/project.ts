// The emulated project: the world store plus the clock and the action machinery every route uses.
// Actions run for `actionMs`; their effects land when they finish (settle() runs before each request
// and on a timer), so status, progress and locks behave like the real API's asynchronous work.
import { randomBytes } from "node:crypto";
import { locked, notFound } from "./errors.js";
import { applyEffect } from "./effects.js";
import type { WorldStore } from "./store.js";
import type { ActionRec, Effect, WorldData } from "./world-types.js";

/** Finished actions kept per world file; older ones are dropped so the file stays small. */
const KEEP_FINISHED_ACTIONS = 2000;

export interface ActionOptions {
  effects?: Effect[];
  locks?: string[];
  durationMs?: number;
  /** Delay before the action counts as started (e.g. start_server after create_server). */
  startAfterMs?: number;
}

export class Project {
  constructor(
    readonly store: WorldStore,
    readonly actionMs: number,
    readonly clock: () => number = Date.now,
  ) {}

  get data(): WorldData {
    return this.store.data;
  }

  now(): number {
    return this.clock();
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  newId(): number {
    return this.store.newId();
  }

  touch(): void {
    this.store.touch();
  }

  password(): string {
    return randomBytes(12).toString("base64url");
  }

  startAction(command: string, resources: { id: number; type: string }[], opts: ActionOptions = {}): ActionRec {
    this.touch();
    const action: ActionRec = {
      id: this.data.nextActionId++,
      command,
      status: "running",
      started: this.now() + (opts.startAfterMs ?? 0),
      durationMs: opts.durationMs ?? this.actionMs,
      finished: null,
      resources,
      error: null,
      effects: opts.effects ?? [],
      locks: opts.locks ?? [],
    };
    this.data.actions.push(action);
    return action;
  }

  action(id: number): ActionRec {
    const a = this.data.actions.find((x) => x.id === id);
    if (!a) throw notFound(`action with ID ${id}`);
    return a;
  }

  isLocked(key: string): boolean {
    return this.data.actions.some((a) => a.status === "running" && a.locks.includes(key));
  }

  assertUnlocked(key: string, what: string): void {
    if (this.isLocked(key)) throw locked(what);
  }

  /** Finishes due actions in start order and applies their effects; true when anything changed. */
  settle(): boolean {
    const now = this.now();
    const due = this.data.actions
      .filter((a) => a.status === "running" && a.started + a.durationMs <= now)
      .sort((a, b) => a.started + a.durationMs - (b.started + b.durationMs) || a.id - b.id);
    for (const a of due) {
      a.status = "success";
      a.finished = a.started + a.durationMs;
      for (const e of a.effects) applyEffect(this, e);
    }
    const expired = this.expireRescue(now);
    if (due.length > 0) this.prune();
    if (due.length > 0 || expired) this.touch();
    return due.length > 0 || expired;
  }

  /** Milliseconds until the next running action finishes, or undefined when none runs. */
  nextDeadline(): number | undefined {
    const ends = this.data.actions.filter((a) => a.status === "running").map((a) => a.started + a.durationMs);
    return ends.length > 0 ? Math.max(0, Math.min(...ends) - this.now()) : undefined;
  }

  /** Rescue mode switches itself off when not booted into within 60 minutes. */
  private expireRescue(now: number): boolean {
    let changed = false;
    for (const s of this.data.servers) {
      if (s.rescue && now - s.rescue.enabledAt > 60 * 60_000) {
        s.rescue = null;
        changed = true;
      }
    }
    return changed;
  }

  private prune(): void {
    const finished = this.data.actions.filter((a) => a.status !== "running");
    if (finished.length <= KEEP_FINISHED_ACTIONS) return;
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED_ACTIONS).map((a) => a.id));
    this.data.actions = this.data.actions.filter((a) => !drop.has(a.id));
  }

  renderAction(a: ActionRec): Record<string, unknown> {
    const elapsed = this.now() - a.started;
    const progress = a.status !== "running" ? 100 : Math.max(0, Math.min(99, Math.floor((100 * elapsed) / Math.max(1, a.durationMs))));
    return {
      id: a.id,
      command: a.command,
      status: a.status,
      progress,
      started: this.iso(Math.min(a.started, this.now())),
      finished: a.finished === null ? null : this.iso(a.finished),
      resources: a.resources,
      error: a.error,
    };
  }
}
