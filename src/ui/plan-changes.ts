// One attribute-level change as plan lines: `path: before → after` for single-line values, a
// unified diff (git style, 3 lines of context) for multi-line strings such as YAML or scripts,
// a line diff of the rendered blocks for objects, and the changed elements of two lists.
import { diffArrays, diffLines, structuredPatch } from "diff";
import { canonicalJson } from "../engine/values.js";
import type { Change } from "../engine/resource.js";
import type { Style } from "./color.js";
import { inlineValue, isInline, isMultiline, SENSITIVE, valueLines } from "./plan-values.js";
import { line, lineText, seg, type Line, type Segment } from "./styled-lines.js";

const FORCES: Segment = seg("  # forces replacement", "red");

/** Lines for one change at `indent`; the attribute forcing a replacement is marked. */
export function changeLines(c: Change, indent: string): Line[] {
  const label = c.label ?? (c.path === "" ? "(all inputs)" : c.path);
  const mark = c.forcesReplacement ? [FORCES] : [];
  if (isInline(c.before) && isInline(c.after))
    return [line(`${indent}${label}: `, inlineValue(c.before), seg(" → ", "dim"), inlineValue(c.after), ...mark)];
  const inner = indent + "  ";
  if (Array.isArray(c.before) && Array.isArray(c.after)) return [line(`${indent}${label}: [`, ...mark), ...listDiff(c.before, c.after, inner), line(`${indent}]`)];
  const head = line(`${indent}${label}:`, ...mark);
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

/**
 * Two lists as Terraform shows them: the elements added (+) and removed (-), a changed element as
 * both, and a line counting the unchanged ones instead of repeating them.
 */
export function listDiff(before: readonly unknown[], after: readonly unknown[], indent: string): Line[] {
  const out: Line[] = [];
  const unchanged = (n: number) => out.push(line(`${indent}  `, seg(`# (${n} unchanged element${n === 1 ? "" : "s"} hidden)`, "dim")));
  const element = (v: unknown, mark: "+" | "-") => {
    for (const l of withComma(valueLines("", v, ""))) out.push(line(indent, seg(`${mark} ${lineText(l)}`, ...markStyle(mark))));
  };
  let b = 0;
  let a = 0;
  for (const part of diffArrays(before.map(canonicalJson), after.map(canonicalJson))) {
    const n = part.count ?? part.value.length;
    if (part.removed) for (let i = 0; i < n; i++) element(before[b++], "-");
    else if (part.added) for (let i = 0; i < n; i++) element(after[a++], "+");
    else {
      unchanged(n);
      b += n;
      a += n;
    }
  }
  return out;
}

function withComma(lines: Line[]): Line[] {
  const last = lines[lines.length - 1];
  return last === undefined ? lines : [...lines.slice(0, -1), [...last, seg(",")]];
}

function markStyle(mark: string | undefined): Style[] {
  return mark === "+" ? ["green"] : mark === "-" ? ["red"] : [];
}

function withNewline(s: string): string {
  return s === "" || s.endsWith("\n") ? s : s + "\n";
}
