// Printing a plan: coloured through ink on a terminal, plain text elsewhere (pipes, --no-color,
// NO_COLOR). Both print the lines planLines builds, so their content is the same.
import type { Plan } from "../engine/plan.js";
import { planLines } from "./plan-lines.js";
import { linesToText, wrapLines } from "./styled-lines.js";

/** The plan as text; `width` wraps long lines (continuations indented), none when omitted. */
export function formatPlan(plan: Plan, opts: { color: boolean; width?: number }): string {
  return linesToText(wrapLines(planLines(plan), opts.width), opts.color);
}

/** Write the plan to `io.stdout`; ink (loaded only now) renders it on a coloured terminal. */
export async function renderPlan(plan: Plan, io: { stdout: NodeJS.WriteStream; color: boolean; tty: boolean }): Promise<void> {
  // A terminal that does not report its width is taken as 100 columns wide.
  const width = io.tty ? io.stdout.columns || 100 : undefined;
  if (io.tty && io.color) {
    const { renderLinesToString } = await import("./LinesView.js");
    io.stdout.write(renderLinesToString(wrapLines(planLines(plan), width), width ?? 100, io.color) + "\n");
    return;
  }
  io.stdout.write(formatPlan(plan, width === undefined ? { color: io.color } : { color: io.color, width }) + "\n");
}
