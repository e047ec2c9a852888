// Waiting for an event a test depends on (a line printed, a file written, a count reached), never
// for a duration: polls the condition and fails, naming what it waited for, after a timeout.
import { setTimeout as sleep } from "node:timers/promises";

export interface UntilOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Checked on every poll: a reason to give up at once (the process under test ended). */
  failIf?: () => string | undefined;
}

export async function until(what: string, ready: () => boolean | Promise<boolean>, opts: UntilOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    const reason = opts.failIf?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(opts.everyMs ?? 5);
  }
}
