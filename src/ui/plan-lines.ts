// The whole plan as styled lines: drift, recovered operations, changes grouped by action, costs,
// and the summary. Pure: the plain-text and ink renderers both print exactly these lines.
import type { Action, DriftEntry, Plan, PlanEntry } from "../engine/plan.js";
import { hasChanges } from "../engine/plan.js";
import type { Style } from "./color.js";
import { changeLines } from "./plan-changes.js";
import { costLines } from "./plan-costs.js";
import { attributeLines } from "./plan-values.js";
import { BLANK, line, seg, type Line, type Segment } from "./styled-lines.js";

const BODY = "      ";

/** Sections in the order they are listed; noop entries are only counted. */
const GROUPS: ReadonlyArray<{ action: Exclude<Action, "noop">; title: string }> = [
  { action: "create", title: "Create" },
  { action: "update", title: "Update in place" },
  { action: "replace", title: "Replace" },
  { action: "delete", title: "Delete" },
  { action: "read", title: "Read / adopt" },
];

export function planLines(plan: Plan): Line[] {
  const out: Line[] = [...driftLines(plan.drift), ...recoveredLines(plan.recovered), ...keptLines(plan.kept ?? [])];
  if (!hasChanges(plan)) {
    out.push(line(seg(plan.mode === "destroy" ? "No changes. No objects need to be destroyed." : "No changes. Your infrastructure matches the configuration.", "green", "bold")));
    if (plan.drift.length > 0) out.push(line(seg("The objects changed outside hk (above) need no action to match the configuration.", "dim")));
    return out;
  }
  out.push(line(plan.mode === "destroy" ? "hk will destroy these objects:" : "hk will perform these actions:"), BLANK);
  for (const g of GROUPS) {
    const entries = plan.entries.filter((e) => e.action === g.action);
    if (entries.length === 0) continue;
    out.push(line(seg(`${g.title} (${entries.length}):`, "bold")));
    for (const e of entries) out.push(entryHeader(e), ...entryBody(e), BLANK);
  }
  const unchanged = plan.entries.filter((e) => e.action === "noop").length;
  if (unchanged > 0) out.push(line(seg(`${unchanged} unchanged.`, "dim")), BLANK);
  out.push(...costLines(plan.costs));
  const s = plan.summary;
  out.push(line(seg("Plan: ", "bold"), `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`));
  return out;
}

/** The action's symbol: `-/+` replaces old-first, `+/-` new-first. */
export function actionSymbol(e: Pick<PlanEntry, "action" | "replaceOrder">): Segment[] {
  switch (e.action) {
    case "create":
      return [seg("+", "green")];
    case "update":
      return [seg("~", "yellow")];
    case "replace":
      return e.replaceOrder === "create-before-destroy"
        ? [seg("+", "green"), seg("/"), seg("-", "red")]
        : [seg("-", "red"), seg("/"), seg("+", "green")];
    case "delete":
      return [seg("-", "red")];
    case "read":
      return [seg("<=", "cyan")];
    case "noop":
      return [seg(" ")];
  }
}

function entryHeader(e: PlanEntry): Line {
  const notes = [e.reason ?? (e.temporary ? "temporary" : undefined), e.protect ? "protected" : undefined].filter((n) => n !== undefined);
  return line(
    "  ",
    ...actionSymbol(e),
    " ",
    seg(e.address, "bold"),
    e.deposed ? seg(" (deposed)", "dim") : "",
    e.id !== undefined && e.id !== "" ? seg(` [id=${e.id}]`, "dim") : "",
    notes.length > 0 ? seg(`  # ${notes.join("; ")}`, "dim") : "",
  );
}

function entryBody(e: PlanEntry): Line[] {
  const notes = (e.notes ?? []).map((n) => line(seg(`${BODY}→ ${n}`, "yellow")));
  if (e.action === "create") return [...notes, ...attributeLines(e.after, BODY)];
  if (e.action === "delete") return [...notes, ...attributeLines(e.before, BODY)];
  return [...notes, ...e.changes.flatMap((c) => changeLines(c, BODY))];
}

function driftLines(drift: readonly DriftEntry[]): Line[] {
  if (drift.length === 0) return [];
  const out: Line[] = [line(seg("Objects changed outside hk:", "bold"))];
  for (const d of drift) {
    const [symbol, style]: [string, Style] = d.kind === "deleted" ? ["-", "red"] : ["~", "yellow"];
    out.push(line("  ", seg(symbol, style), " ", seg(d.address, "bold"), seg(`  # ${d.kind} outside hk`, "dim")));
    out.push(...d.changes.flatMap((c) => changeLines({ ...c, forcesReplacement: false }, BODY)));
  }
  return [...out, BLANK];
}

/** What the destroy sweep found and leaves alone (delete protection), said before the plan. */
function keptLines(kept: NonNullable<Plan["kept"]>): Line[] {
  if (kept.length === 0) return [];
  return [
    line(seg(`Kept, not deleted (${kept.length}):`, "bold", "yellow")),
    ...kept.flatMap((k) => [line("  ", seg("=", "yellow"), ` ${k.address} [id=${k.id}]`), line(seg(`      ${k.reason}`, "dim"))]),
    BLANK,
  ];
}

function recoveredLines(recovered: readonly string[]): Line[] {
  if (recovered.length === 0) return [];
  return [line(seg("Recovered from an interrupted run:", "bold")), ...recovered.map((r) => line("  • ", r)), BLANK];
}
