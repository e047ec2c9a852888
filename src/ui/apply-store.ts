// State of the live apply view, folded from engine events: the steps running now and the lines
// already printed for good. Pure reducer plus a tiny external store for useSyncExternalStore.
import type { EngineEvent, Listener, Operation } from "../engine/events.js";
import { elapsed, eventLines, percent } from "./apply-lines.js";
import { line, seg, type Line } from "./styled-lines.js";

export interface RunningStep {
  key: string;
  address: string;
  operation: Operation;
  /** When the view saw the step start (its own clock, so elapsed time needs no engine clock). */
  startedAt: number;
  message?: string;
  fraction?: number;
}

export interface ApplyViewState {
  running: readonly RunningStep[];
  /** Lines that stay: finished steps, notices, the summary (ink prints them through <Static>). */
  printed: readonly Line[];
  steps?: number;
  finished: number;
  done: boolean;
}

export const INITIAL: ApplyViewState = { running: [], printed: [], finished: 0, done: false };

const stepKey = (address: string, op: Operation) => `${op} ${address}`;

export function reduceApply(s: ApplyViewState, e: EngineEvent, now: number): ApplyViewState {
  // Once done, the last frame stays as it is: a step cancelled by a second Ctrl-C draws nothing.
  if (s.done) return s;
  const printed = eventLines(e);
  const next: ApplyViewState = printed.length > 0 ? { ...s, printed: [...s.printed, ...printed] } : s;
  switch (e.type) {
    case "apply-start":
      return { ...next, steps: e.steps };
    case "step-start":
      return { ...next, running: [...next.running, { key: stepKey(e.address, e.operation), address: e.address, operation: e.operation, startedAt: now }] };
    case "step-progress": {
      const key = stepKey(e.address, e.operation);
      const running = next.running.map((r) => (r.key !== key ? r : e.fraction === undefined ? { ...r, message: e.message } : { ...r, message: e.message, fraction: e.fraction }));
      return { ...next, running };
    }
    case "step-done":
    case "step-failed":
    case "step-skipped": {
      const key = stepKey(e.address, e.operation);
      return { ...next, running: next.running.filter((r) => r.key !== key), finished: next.finished + 1 };
    }
    case "apply-done":
      return { ...next, running: [], done: true };
    case "interrupt":
      // A second Ctrl-C leaves at once: the view draws its message, drops the live lines, and exits.
      return e.count >= 2 ? { ...next, running: [], done: true } : next;
    default:
      return next;
  }
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** The live line of a running step: spinner, address, verb, elapsed time, last message, bar. */
export function runningLine(r: RunningStep, now: number, tick: number): Line {
  const verb = { create: "creating", update: "modifying", delete: "destroying", read: "reading" }[r.operation];
  const bar = r.fraction === undefined ? [] : [" ", seg(progressBar(r.fraction, 10), "cyan"), ` ${percent(r.fraction)}`];
  return line(
    seg(SPINNER[tick % SPINNER.length] ?? "", "cyan"),
    " ",
    seg(r.address, "bold"),
    `: ${verb} `,
    seg(`[${elapsed(now - r.startedAt)}]`, "dim"),
    ...bar,
    r.message === undefined ? "" : seg(` ${r.message}`, "dim"),
  );
}

export function progressBar(fraction: number, cells: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * cells);
  return "█".repeat(full) + "░".repeat(cells - full);
}

/** `3/10 steps done, 2 running` under the live lines. */
export function footerLine(s: ApplyViewState): Line | undefined {
  if (s.steps === undefined || s.done) return undefined;
  return line(seg(`${s.finished}/${s.steps} steps done, ${s.running.length} running`, "dim"));
}

export interface ApplyStore {
  listener: Listener;
  getSnapshot(): ApplyViewState;
  subscribe(onChange: () => void): () => void;
}

export function createApplyStore(now: () => number = Date.now): ApplyStore {
  let state = INITIAL;
  const subscribers = new Set<() => void>();
  return {
    listener: (e) => {
      const next = reduceApply(state, e, now());
      if (next === state) return;
      state = next;
      for (const s of subscribers) s();
    },
    getSnapshot: () => state,
    subscribe: (onChange) => {
      subscribers.add(onChange);
      return () => subscribers.delete(onChange);
    },
  };
}
