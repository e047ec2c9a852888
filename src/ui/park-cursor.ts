// A terminal made narrower rewraps what is on it: a live line drawn 120 columns wide becomes three
// rows at 40. tmux, VTE and iTerm keep the cursor's row and push rows above it into the
// scrollback, where no escape code reaches; ink erases upwards from below its frame, so the top
// rows of the rewrapped live lines stayed there, cut and stale. Parking the cursor at the top of
// the frame between renders makes the frame rewrap downwards, below the cursor, where one
// "erase below" clears it whatever its new height; ink's own erases are rewritten to that.
const ESC = "\u001B[";
/** ink's erase of its last frame (ansi-escapes' eraseLines): erase, up, erase, …, column 1. */
// eslint-disable-next-line no-control-regex
const ERASE_LINES = /^(?:\u001B\[2K(?:\u001B\[1A)?)+\u001B\[G/;
const ERASE_BELOW = `${ESC}G${ESC}J`;
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/**
 * The terminal's width now, asked of the terminal itself: `columns` (and `getWindowSize()`, which
 * returns it) changes only once Node has handled SIGWINCH, and a frame laid out for the old width
 * may be written after the terminal shrank. The tty handle's own call is the ioctl Node makes then.
 */
function width(stdout: NodeJS.WriteStream): number {
  const handle = (stdout as unknown as { _handle?: { getWindowSize?: (out: number[]) => number } })._handle;
  const size: number[] = [];
  if (typeof handle?.getWindowSize === "function" && handle.getWindowSize(size) === 0 && (size[0] ?? 0) > 0) return size[0] as number;
  return stdout.columns || 80;
}

/** Rows the whole lines of `text` take on a terminal `columns` wide (a longer line wraps there). */
export function rowsOf(text: string, columns: number): number {
  const lines = text.split("\n").slice(0, -1);
  return lines.reduce((n, l) => n + Math.max(1, Math.ceil([...l.replace(CONTROL, "")].length / columns)), 0);
}

/**
 * Keep the cursor at the top of ink's frame between renders (ink still writes as if it were below
 * it). Returns the function that puts the cursor back below the frame and stops.
 */
export function parkAtFrameTop(stdout: NodeJS.WriteStream): () => void {
  const own = Object.prototype.hasOwnProperty.call(stdout, "write");
  const write = stdout.write as Write;
  /** Rows written below the cursor since it was parked; 0 when it is where ink believes it is. */
  let parked = 0;
  const wrapper = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk !== "string") return write.call(this, chunk, ...rest);
    const erase = ERASE_LINES.exec(chunk)?.[0];
    const text = erase === undefined ? chunk : chunk.slice(erase.length);
    if (erase === undefined && text.replace(CONTROL, "") === "") return write.call(this, chunk, ...rest); // cursor, sync codes
    // Parked, the cursor is at the top of what was written last (the frame, or the static lines
    // before it): ink's erase becomes "erase below", anything else goes below what was written.
    const head = parked === 0 ? (erase ?? "") : erase !== undefined ? ERASE_BELOW : `${ESC}${parked}B`;
    // Parked in the same write: a resize between two writes would find the cursor below the frame.
    parked = rowsOf(text, width(stdout));
    return write.call(this, head + text + (parked > 0 ? `${ESC}${parked}A` : ""), ...rest);
  } as typeof stdout.write;
  stdout.write = wrapper;
  return () => {
    if (parked > 0) write.call(stdout, `${ESC}${parked}B`);
    parked = 0;
    // Unless something replaced it since (the EPIPE guard of main.ts).
    if (stdout.write !== wrapper) return;
    if (own) stdout.write = write as typeof stdout.write;
    else delete (stdout as Partial<NodeJS.WriteStream>).write;
  };
}
