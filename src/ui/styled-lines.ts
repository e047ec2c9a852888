// The model every view renders: lines made of text segments tagged with styles. One pure function
// builds the lines; the plain-text printer and the ink components render the same lines, so the
// two outputs cannot drift apart.
import { paint, type Style } from "./color.js";

export interface Segment {
  readonly text: string;
  readonly style?: Style | readonly Style[];
}

export type Line = readonly Segment[];

/** A segment; without styles it is plain text. */
export function seg(text: string, ...styles: Style[]): Segment {
  if (styles.length === 0) return { text };
  return { text, style: styles.length === 1 ? (styles[0] as Style) : styles };
}

export function line(...parts: ReadonlyArray<Segment | string>): Line {
  return parts.map((p) => (typeof p === "string" ? { text: p } : p)).filter((p) => p.text !== "");
}

export const BLANK: Line = [];

export function lineText(l: Line): string {
  return l.map((s) => s.text).join("");
}

/** Lines as text, one per row, coloured or not; trailing spaces are trimmed. */
export function linesToText(lines: readonly Line[], color: boolean): string {
  return lines.map((l) => l.map((s) => paint(s.text, s.style, color)).join("").trimEnd()).join("\n");
}

/**
 * Lines no longer than `width`: a long line breaks at a space when it can (else mid-word), and
 * continuation rows are indented 4 past the line's own indent. Styles carry over the break.
 */
export function wrapLines(lines: readonly Line[], width: number | undefined): Line[] {
  if (width === undefined || !Number.isFinite(width) || width < 20) return [...lines];
  return lines.flatMap((l) => wrapLine(l, width));
}

function wrapLine(l: Line, width: number): Line[] {
  const text = lineText(l);
  if (text.length <= width) return [l];
  const indent = " ".repeat(Math.min((/^ */.exec(text)?.[0].length ?? 0) + 4, width / 2));
  const rows: Line[] = [];
  let rest = l;
  let first = true;
  while (lineText(rest).length > 0) {
    const room = first ? width : width - indent.length;
    const t = lineText(rest);
    if (t.length <= room) {
      rows.push(first ? rest : [{ text: indent }, ...rest]);
      break;
    }
    const space = t.lastIndexOf(" ", room);
    const cut = space > room / 2 ? space : room;
    const [head, tail] = splitAt(rest, cut);
    rows.push(first ? head : [{ text: indent }, ...head]);
    rest = trimStart(tail);
    first = false;
  }
  return rows;
}

/** Split a line at character offset `at`, keeping each piece's style. */
function splitAt(l: Line, at: number): [Segment[], Segment[]] {
  const head: Segment[] = [];
  const tail: Segment[] = [];
  let pos = 0;
  for (const s of l) {
    const end = pos + s.text.length;
    if (end <= at) head.push(s);
    else if (pos >= at) tail.push(s);
    else {
      head.push({ ...s, text: s.text.slice(0, at - pos) });
      tail.push({ ...s, text: s.text.slice(at - pos) });
    }
    pos = end;
  }
  return [head, tail];
}

function trimStart(l: Segment[]): Segment[] {
  const out = [...l];
  while (out.length > 0 && (out[0] as Segment).text.trimStart() === "") out.shift();
  if (out.length > 0) out[0] = { ...(out[0] as Segment), text: (out[0] as Segment).text.trimStart() };
  return out;
}
