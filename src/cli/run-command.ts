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
  if (e && typeof e.code === "string" && typeof e.message === "string") return systemError(e);
  return `hk bug: unexpected error: ${err instanceof Error ? err.message : String(err)}\n${process.env.HK_DEBUG && err instanceof Error ? `${err.stack}\n` : ""}`;
}

const SYSTEM: Record<string, [what: string, next: string]> = {
  ENOENT: ["no such file or folder", "check the path"],
  EACCES: ["permission denied", "check the file's owner and permissions"],
  EPERM: ["permission denied", "check the file's owner and permissions"],
  EISDIR: ["is a folder, not a file", "check the path"],
  ENOTDIR: ["a part of the path is not a folder", "check the path"],
  ENOSPC: ["no space left on the disk", "free some space and run the command again"],
  EROFS: ["the file system is read-only", "point hk at a folder it can write to"],
};

/** A system error (`ENOENT: no such file or directory, open 'x'`) as hk says errors: what, where, what to do. */
function systemError(e: NodeJS.ErrnoException): string {
  const known = SYSTEM[e.code ?? ""];
  if (!known) return `Error: ${e.message}\n`;
  return `Error: ${e.path ? `${e.path}: ` : ""}${known[0]}${e.syscall ? ` (${e.syscall})` : ""}\n  ${known[1]}\n`;
}
