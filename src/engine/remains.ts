// What is left for a stack after a destroy: every object the resource types still find labelled
// for it (their `discover`, the same sweep the destroy plan lists leftovers from), so a destroy ends
// by saying plainly what is left, nothing above all, instead of leaving the user to check the console.
import type { EventBus } from "./events.js";
import type { Registry } from "./resource.js";
import { stepContext } from "./step-context.js";

export interface Remaining {
  type: string;
  name: string;
  id: string;
  /** Why hk leaves it (delete protection, another state's mark), when it does on purpose. */
  keep?: string;
}

/** Objects of every discovering type still labelled for `stack`. */
export async function remainingFor(registry: Registry, stack: string, bus: EventBus, signal: AbortSignal): Promise<Remaining[]> {
  const out: Remaining[] = [];
  for (const type of registry.values()) {
    if (!type.discover) continue;
    for (const f of await type.discover(stepContext(bus, signal, `${type.type}.*`, "read"), stack)) {
      out.push({ type: type.type, name: f.name, id: f.id, ...(f.keep !== undefined ? { keep: f.keep } : {}) });
    }
  }
  return out;
}

/** The closing lines of a destroy: what is left, or that nothing is. */
export function remainsLines(stack: string, left: readonly Remaining[]): string[] {
  if (left.length === 0) return [`Nothing is left: no object labelled for ${stack} remains.`];
  return [`Left behind (${left.length}), still labelled for ${stack}:`, ...left.map((r) => `  ${r.type}.${r.name} [id=${r.id}]${r.keep ? `: ${r.keep}` : ""}`)];
}
