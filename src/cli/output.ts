// Where a command's events go: the ink views on a terminal, plain text elsewhere, JSON lines
// with --json. The engine only emits events; this picks their listeners.
import isInCi from "is-in-ci";
import { EventBus } from "../engine/events.js";
import type { Plan } from "../engine/plan.js";
import { useColor, type GlobalOptions } from "./options.js";

export interface Output {
  bus: EventBus;
  json: boolean;
  showPlan(plan: Plan): Promise<void>;
  /** Live apply/destroy progress until the apply-done event (or stop); listening once it resolves. */
  followApply(): Promise<{ done: Promise<void>; stop(): void }>;
  confirm(question: string): Promise<boolean>;
  /** A line for people (suppressed with --json, where events say everything). */
  say(line: string): void;
}

export async function createOutput(opts: GlobalOptions): Promise<Output> {
  const bus = new EventBus();
  const color = useColor(opts);
  // --no-color (or NO_COLOR) drops the colours only: a terminal keeps its live view, as with most
  // CLIs; a dumb one (TERM=dumb) gets plain lines. Under CI (a CI or CONTINUOUS_INTEGRATION
  // variable) ink holds its live frames back until the end, so a job log would show nothing for
  // minutes; plain lines print each step as it finishes.
  const tty = process.stdout.isTTY === true && !opts.json && !isInCi && process.env["TERM"] !== "dumb";
  if (opts.json) {
    const { jsonListener } = await import("../ui/json-lines.js");
    bus.on(jsonListener(process.stdout));
  }
  // Reading the live objects can take a while against a real API: say so.
  if (!opts.json) {
    bus.on((e) => {
      if (e.type === "refresh-start" && e.count > 0) process.stdout.write(`Refreshing ${e.count} object${e.count === 1 ? "" : "s"}...\n\n`);
    });
  }
  // Until the apply view takes over (it shows diagnostics itself), warnings go to stderr.
  const dropDiagnostics = opts.json
    ? () => undefined
    : bus.on((e) => {
        if (e.type === "diagnostic") process.stderr.write(`${e.severity === "error" ? "Error" : "Warning"}: ${e.message}\n`);
      });
  return {
    bus,
    json: opts.json,
    async showPlan(plan) {
      if (opts.json) return;
      const { renderPlan } = await import("../ui/render-plan.js");
      await renderPlan(plan, { stdout: process.stdout, color, tty });
    },
    async followApply() {
      if (opts.json) return { done: Promise.resolve(), stop: () => undefined };
      const { renderApply } = await import("../ui/render-apply.js");
      dropDiagnostics();
      return renderApply(bus, { stdout: process.stdout, stderr: process.stderr, color, tty });
    },
    async confirm(question) {
      const { confirm } = await import("../ui/confirm.js");
      return confirm(question, { stdin: process.stdin, stdout: process.stdout, plain: !color });
    },
    say(line) {
      if (!opts.json) process.stdout.write(line + "\n");
    },
  };
}
