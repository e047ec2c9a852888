// One attribute-level change as plan lines: `path: before → after` for single-line values, a
// unified diff (git style, 3 lines of context) for multi-line strings such as YAML or scripts,
// and a line diff of the rendered blocks for objects and arrays.
import { diffLines, structuredPatch } from "diff";
import type { Change } from "../engine/resource.js";
import type { Style } from "./color.js";
import { inlineValue, isInline, isMultiline, SENSITIVE, valueLines } from "./plan-values.js";
import { line, lineText, seg, type Line, type Segment } from "./styled-lines.js";

const FORCES: Segment = seg("  # forces replacement", "red");

/** Lines for one change at `indent`; the attribute forcing a replacement is marked. */
export function changeLines(c: Change, indent: string): Line[] {
  const label = c.path === "" ? "(all inputs)" : c.path;
  const mark = c.forcesReplacement ? [FORCES] : [];
  if (isInline(c.before) && isInline(c.after))
    return [line(`${indent}${label}: `, inlineValue(c.before), seg(" → ", "dim"), inlineValue(c.after), ...mark)];
  const head = line(`${indent}${label}:`, ...mark);
  const inner = indent + "  ";
  if (textual(c.before) && textual(c.after) && (isMultiline(c.before) || isMultiline(c.after)))
    return [head, ...unifiedDiff(c.before ?? "", c.after ?? "", inner)];
  return [head, ...blockDiff(c.before, c.after, inner)];
}

function textual(v: unknown): v is string | undefined {
  return v === undefined || (typeof v === "string" && v !== SENSITIVE);
}

/** Hunks of a unified diff between two texts, each line marked ' ', '+' or '-'. */
export function unifiedDiff(before: string, after: string, indent: string): Line[] {
  const patch = structuredPatch("before", "after", withNewline(before), withNewline(after), "", "", { context: 3 });
  const out: Line[] = [];
  for (const h of patch.hunks) {
    out.push(line(indent, seg(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, "cyan")));
    for (const l of h.lines) {
      if (l.startsWith("\\")) continue;
      out.push(line(indent, seg(l, ...markStyle(l[0]))));
    }
  }
  return out;
}

/** Objects and arrays: both rendered as blocks, then compared line by line. */
function blockDiff(before: unknown, after: unknown, indent: string): Line[] {
  const text = (v: unknown) => (v === undefined ? "" : valueLines("", v, "").map(lineText).join("\n") + "\n");
  const out: Line[] = [];
  for (const part of diffLines(text(before), text(after))) {
    const mark = part.added ? "+" : part.removed ? "-" : " ";
    for (const l of part.value.replace(/\n$/, "").split("\n")) out.push(line(indent, seg(`${mark} ${l}`, ...markStyle(mark))));
  }
  return out;
}

function markStyle(mark: string | undefined): Style[] {
  return mark === "+" ? ["green"] : mark === "-" ? ["red"] : [];
}

function withNewline(s: string): string {
  return s === "" || s.endsWith("\n") ? s : s + "\n";
}
