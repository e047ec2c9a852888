// The engine reports everything it does as events. The ink views, the plain-text printer and
// --json are all listeners of the same stream; none of them reach into the engine.
import type { Plan } from "./plan.js";

export type Operation = "create" | "update" | "delete" | "read";

export type EngineEvent =
  | { type: "refresh-start"; count: number }
  | { type: "refresh-resource"; address: string; result: "found" | "gone" | "changed" | "recovered" }
  | { type: "refresh-done"; durationMs: number }
  | { type: "plan"; plan: Plan }
  | { type: "apply-start"; mode: "apply" | "destroy"; steps: number }
  | { type: "step-start"; address: string; operation: Operation; at: number }
  | { type: "step-progress"; address: string; operation: Operation; message: string; fraction?: number }
  | { type: "step-log"; address: string; message: string }
  | { type: "step-done"; address: string; operation: Operation; durationMs: number; id?: string }
  | { type: "step-failed"; address: string; operation: Operation; durationMs: number; error: string; left?: string }
  | { type: "step-skipped"; address: string; operation: Operation; reason: string }
  | { type: "interrupt"; count: number; message: string }
  | { type: "diagnostic"; severity: "warning" | "error"; message: string }
  | {
      type: "apply-done";
      mode: "apply" | "destroy";
      ok: boolean;
      durationMs: number;
      counts: { added: number; changed: number; destroyed: number; failed: number; skipped: number };
      /** Leftovers the plan keeps (listed there with why); absent when none. */
      kept?: number;
      /** A Ctrl-C (or SIGTERM) stopped the run early; absent when none came. */
      interrupted?: boolean;
      outputs: Record<string, unknown>;
    };

export type Listener = (event: EngineEvent) => void;

/** Fan-out to listeners; a listener that throws does not stop the engine or other listeners. */
export class EventBus {
  private readonly listeners: Listener[] = [];

  on(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a view failing must not stop an apply half way
      }
    }
  }
}
