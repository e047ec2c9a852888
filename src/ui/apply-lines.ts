// What apply and destroy print, as styled lines: Terraform-like wording, shared by the plain
// printer (pipes, CI logs) and the live ink view, so both tell the same story.
import type { EngineEvent, Operation } from "../engine/events.js";
import { valueLines } from "./plan-values.js";
import { BLANK, line, seg, type Line } from "./styled-lines.js";

const VERBS: Record<Operation, { ing: string; still: string; done: string; failed: string }> = {
  create: { ing: "Creating...", still: "Still creating...", done: "Creation complete", failed: "Creation failed" },
  update: { ing: "Modifying...", still: "Still modifying...", done: "Modifications complete", failed: "Modification failed" },
  delete: { ing: "Destroying...", still: "Still destroying...", done: "Destruction complete", failed: "Destruction failed" },
  read: { ing: "Reading...", still: "Still reading...", done: "Read complete", failed: "Read failed" },
};

/** `0.4s`, `12.0s`, `2m05s`: tenths under a minute, whole seconds above. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** Whole seconds, Terraform's way: `10s`, `1m10s`. */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export function startLine(address: string, op: Operation): Line {
  return line(seg(address, "bold"), `: ${VERBS[op].ing}`);
}

export function stillLine(address: string, op: Operation, ms: number): Line {
  return line(seg(address, "bold"), `: ${VERBS[op].still} [${elapsed(ms)} elapsed]`);
}

/** `45%` of a fraction in [0, 1]. */
export function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

export function progressLine(address: string, message: string, fraction?: number): Line {
  return line(seg(address, "bold"), `: ${message}`, fraction === undefined ? "" : seg(` (${percent(fraction)})`, "dim"));
}

/** The lines an event leaves for good (finished steps, notices, the summary); none for the rest. */
export function eventLines(e: EngineEvent): Line[] {
  switch (e.type) {
    case "step-done":
      return [line(seg("✓", "green"), " ", seg(e.address, "bold"), `: ${VERBS[e.operation].done} after ${duration(e.durationMs)}`, e.id ? seg(` [id=${e.id}]`, "dim") : "")];
    case "step-failed": {
      const [first = "", ...more] = e.error.split("\n");
      return [
        line(seg("✗", "red"), " ", seg(e.address, "bold"), `: ${VERBS[e.operation].failed} after ${duration(e.durationMs)}: `, seg(first, "red")),
        ...more.map((m) => line("    ", seg(m, "red"))),
        ...(e.left ? [line("    ", seg(`left behind: ${e.left}`, "yellow"))] : []),
      ];
    }
    case "step-skipped":
      return [line(seg("-", "dim"), " ", seg(e.address, "bold"), seg(`: skipped: ${e.reason}`, "dim"))];
    case "interrupt":
      // The message says it all ("Interrupt received: finishing running steps, …").
      return [line(seg(e.message, "yellow", "bold"))];
    case "diagnostic":
      return [line(seg(e.severity === "error" ? "Error: " : "Warning: ", e.severity === "error" ? "red" : "yellow", "bold"), e.message)];
    case "apply-done":
      return summaryLines(e);
    default:
      return [];
  }
}

export function summaryLines(e: Extract<EngineEvent, { type: "apply-done" }>): Line[] {
  const c = e.counts;
  const word = e.mode === "destroy" ? "Destroy" : "Apply";
  const kept = e.kept ? `, ${e.kept} kept (see the plan)` : "";
  const resources = e.mode === "destroy" ? `Resources: ${c.destroyed} destroyed${kept}.` : `Resources: ${c.added} added, ${c.changed} changed, ${c.destroyed} destroyed${kept}.`;
  const ended = c.failed > 0 ? "failed" : e.interrupted ? "interrupted" : "stopped";
  const head = e.ok
    ? line(seg(`${word} complete! ${resources}`, "green", "bold"))
    : line(seg(`${word} ${ended}: ${c.failed} failed, ${c.skipped} skipped${c.failed > 0 && e.interrupted ? ", interrupted" : ""}.`, "red", "bold"), ` ${resources} State saved.`);
  const names = Object.keys(e.outputs);
  if (names.length === 0) return [BLANK, head];
  const outputs = names.sort().flatMap((n) => valueLines(n, e.outputs[n], "", " = "));
  return [BLANK, head, BLANK, line(seg("Outputs:", "bold")), BLANK, ...outputs];
}
