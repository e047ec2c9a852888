// The apply view for pipes and CI logs: one line per thing that happens, Terraform-like, and a
// "Still creating... [10s elapsed]" line every 10 s for each long step. Timers are the global
// ones, so tests drive them with fake timers.
import type { EngineEvent, Listener, Operation } from "../engine/events.js";
import { eventLines, progressLine, startLine, stillLine } from "./apply-lines.js";
import { linesToText, type Line } from "./styled-lines.js";

export const STILL_EVERY_MS = 10_000;

export interface PlainApply {
  listener: Listener;
  /** Resolves once the apply-done summary has been written (or stop was called). */
  done: Promise<void>;
  stop(): void;
}

export function plainApply(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; color: boolean }): PlainApply {
  const timers = new Map<string, { timer: NodeJS.Timeout; message?: string }>();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const write = (lines: Line[], stream = io.stdout) => {
    if (lines.length > 0) stream.write(linesToText(lines, io.color) + "\n");
  };
  const key = (address: string, op: Operation) => `${op} ${address}`;
  const stopStep = (k: string) => {
    clearInterval(timers.get(k)?.timer);
    timers.delete(k);
  };
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const k of [...timers.keys()]) stopStep(k);
    finish();
  };

  const listener = (e: EngineEvent) => {
    if (stopped) return;
    switch (e.type) {
      case "step-start": {
        const k = key(e.address, e.operation);
        stopStep(k);
        // The time since the start, not ticks × 10 s: a busy machine fires intervals late.
        const started = Date.now();
        const timer = setInterval(() => write([stillLine(e.address, e.operation, Math.floor((Date.now() - started) / 1000) * 1000)]), STILL_EVERY_MS);
        timer.unref?.();
        timers.set(k, { timer });
        write([startLine(e.address, e.operation)]);
        return;
      }
      case "step-progress": {
        // Only a new message is worth a line in a log; fraction changes alone are not.
        const t = timers.get(key(e.address, e.operation));
        if (t === undefined || t.message === e.message) return;
        t.message = e.message;
        write([progressLine(e.address, e.message, e.fraction)]);
        return;
      }
      case "step-done":
      case "step-failed":
      case "step-skipped":
        stopStep(key(e.address, e.operation));
        write(eventLines(e));
        return;
      case "diagnostic":
        write(eventLines(e), io.stderr);
        return;
      case "apply-done":
        write(eventLines(e));
        stop();
        return;
      case "interrupt":
        // A second Ctrl-C leaves at once: its message is the last line, as on a terminal.
        write(eventLines(e));
        if (e.count >= 2) stop();
        return;
      default:
        write(eventLines(e));
    }
  };
  return { listener, done, stop };
}
