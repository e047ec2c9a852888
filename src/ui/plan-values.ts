// How one value reads in the plan: scalars inline, objects and arrays as indented blocks (like
// Terraform's), multi-line strings as heredocs, unknowns as "(known after apply)". Redacted values
// arrive as the string "(sensitive)" and are shown without quotes.
import { SENSITIVE } from "../engine/plan-redact.js";
import { isUnknown } from "../engine/values.js";
import { line, seg, type Line, type Segment } from "./styled-lines.js";

export { SENSITIVE };
export const ABSENT = "(none)";

/** Unknown until apply; inputs from a temporary resource are known during apply only. */
export function unknownText(reason: string): string {
  return reason.startsWith("during apply") ? "(known during apply)" : "(known after apply)";
}

export function isMultiline(v: unknown): v is string {
  return typeof v === "string" && v.includes("\n");
}

/** True for values that fit on one line (`{}` and `[]` included). */
export function isInline(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (isUnknown(v) || v === null || typeof v !== "object") return !isMultiline(v);
  return Object.keys(v).length === 0;
}

/** A value that fits on one line, as a styled segment. */
export function inlineValue(v: unknown): Segment {
  if (v === undefined) return seg(ABSENT, "dim");
  if (isUnknown(v)) return seg(unknownText(v.$unknown), "dim");
  if (v === SENSITIVE) return seg(SENSITIVE, "dim");
  if (typeof v === "string") return seg(JSON.stringify(v));
  if (Array.isArray(v)) return seg(v.length === 0 ? "[]" : "[…]");
  if (v !== null && typeof v === "object") return seg(Object.keys(v).length === 0 ? "{}" : "{…}");
  return seg(String(v));
}

/** Object keys as written in the plan: bare when they look like names, quoted otherwise. */
export function keyText(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
}

/**
 * `label<sep>value` at `indent`, spread over several lines when the value needs a block.
 * An empty label prints the value alone (array items).
 */
export function valueLines(label: string, v: unknown, indent: string, sep = ": "): Line[] {
  const head = label === "" ? indent : `${indent}${label}${sep}`;
  if (isInline(v)) return [line(head, inlineValue(v))];
  const inner = indent + "  ";
  if (typeof v === "string") {
    const rows = v.endsWith("\n") ? v.slice(0, -1).split("\n") : v.split("\n");
    return [line(head, "<<-EOT"), ...rows.map((r) => line(inner, r)), line(indent, "EOT")];
  }
  if (Array.isArray(v)) {
    const items = v.flatMap((item) => withComma(valueLines("", item, inner)));
    return [line(head, "["), ...items, line(indent, "]")];
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const width = Math.max(...keys.filter((k) => isInline(obj[k])).map((k) => keyText(k).length), 0);
  const fields = keys.flatMap((k) => {
    const value = obj[k];
    if (!isInline(value)) return valueLines(keyText(k), value, inner, sep);
    return [line(inner, aligned(keyText(k), sep, width), inlineValue(value))];
  });
  return [line(head, "{"), ...fields, line(indent, "}")];
}

/** Values of sibling keys start in one column: `name:     "k8s"`, or `name     = "k8s"`. */
function aligned(key: string, sep: string, width: number): string {
  const pad = " ".repeat(width - key.length);
  return sep.startsWith(" ") ? `${key}${pad}${sep}` : `${key}${sep.trimEnd()}${pad} `;
}

/** Attribute lines of a whole input object (create lists `after`, delete lists `before`). */
export function attributeLines(value: unknown, indent: string): Line[] {
  if (value === undefined || value === null || typeof value !== "object" || Array.isArray(value) || isUnknown(value))
    return value === undefined ? [] : valueLines("", value, indent);
  const lines = valueLines("", value, indent.slice(2));
  return lines.slice(1, -1);
}

function withComma(lines: Line[]): Line[] {
  const last = lines[lines.length - 1];
  if (last === undefined) return lines;
  return [...lines.slice(0, -1), [...last, seg(",")]];
}
