// The only place that turns errors into exit codes and text. User errors print one line (plus
// what to do next), never a stack trace; hk's own bugs say so.
import { AbortError, BugError, CreateFailedError, ExternalError } from "../engine/errors.js";
import { jsonLine } from "../ui/json-lines.js";

export async function runCommand(fn: () => Promise<number>, opts: { json?: boolean } = {}): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    const text = describe(err);
    process.stderr.write(text);
    // With --json the stream ends with the error too, so a consumer reading only stdout knows why.
    if (opts.json) process.stdout.write(jsonLine({ type: "diagnostic", severity: "error", message: text.trimEnd() }, new Date()) + "\n");
    return 1;
  }
}

export function describe(err: unknown): string {
  if (err instanceof AbortError) return `Error: ${err.message}\n${err.next ? `  ${err.next}\n` : ""}`;
  if (err instanceof ExternalError || err instanceof CreateFailedError) return `Error: ${err.message}\n`;
  if (err instanceof BugError) return `hk bug: ${err.message}\n  please report it with the command you ran\n${process.env.HK_DEBUG ? `${err.stack}\n` : ""}`;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === "string" && typeof e.message === "string") return `Error: ${e.message}\n`;
  return `hk bug: unexpected error: ${err instanceof Error ? err.message : String(err)}\n${process.env.HK_DEBUG && err instanceof Error ? `${err.stack}\n` : ""}`;
}
