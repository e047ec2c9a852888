// StepContext for a resource: progress and log lines become events tagged with its address.
import type { EventBus, Operation } from "./events.js";
import type { StepContext } from "./resource.js";

export function stepContext(bus: EventBus, signal: AbortSignal, address: string, operation: Operation): StepContext {
  return {
    signal,
    progress(message, fraction) {
      bus.emit(fraction === undefined ? { type: "step-progress", address, operation, message } : { type: "step-progress", address, operation, message, fraction });
    },
    log(message) {
      bus.emit({ type: "step-log", address, message });
    },
  };
}

/** Run `fn` over items with at most `limit` running at once; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
