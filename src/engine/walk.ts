// Runs a DAG of steps: each step starts once everything before it succeeded, at most
// `parallelism` at a time, longest remaining chain first (so the walk tracks the critical path).
// A failure skips what depends on it and lets independent branches finish. stop() lets running
// steps finish and starts nothing new.
import type { DepGraph } from "./graph.js";

export interface WalkOptions {
  parallelism: number;
  visit(id: string): Promise<void>;
  /** Called for each step that will not run, with why. */
  onSkip?(id: string, reason: string): void;
}

export interface WalkResult {
  done: Set<string>;
  failed: Map<string, unknown>;
  skipped: Map<string, string>;
}

export interface Walk {
  result: Promise<WalkResult>;
  /** Start no further steps; those running finish. */
  stop(reason: string): void;
}

export function walkGraph(graph: DepGraph, opts: WalkOptions): Walk {
  const nodes = graph.nodes();
  const height = chainLengths(graph);
  const waiting = new Map<string, number>(nodes.map((n) => [n, graph.before(n).length]));
  const ready = new MaxHeap<string>((id) => height.get(id) ?? 0);
  for (const [n, c] of waiting) if (c === 0) ready.push(n);
  const result: WalkResult = { done: new Set(), failed: new Map(), skipped: new Map() };
  let running = 0;
  let stopped: string | undefined;
  let finish: (r: WalkResult) => void = () => undefined;
  const promise = new Promise<WalkResult>((resolve) => (finish = resolve));

  const skipFrom = (id: string, reason: string) => {
    for (const d of graph.descendants([id])) {
      if (d === id || result.skipped.has(d) || result.done.has(d) || result.failed.has(d)) continue;
      result.skipped.set(d, reason);
      waiting.delete(d);
      opts.onSkip?.(d, reason);
    }
  };

  const settle = () => {
    if (running > 0) return;
    if (ready.size > 0 && stopped === undefined) return;
    // Nothing runs and nothing more will start: whatever has not run is skipped.
    for (const n of nodes) {
      if (result.done.has(n) || result.failed.has(n) || result.skipped.has(n)) continue;
      const reason = stopped ?? "not reached";
      result.skipped.set(n, reason);
      opts.onSkip?.(n, reason);
    }
    finish(result);
  };

  const pump = () => {
    while (stopped === undefined && running < opts.parallelism && ready.size > 0) {
      const id = ready.pop() as string;
      if (!waiting.has(id)) continue;
      waiting.delete(id);
      running++;
      opts.visit(id).then(
        () => {
          running--;
          result.done.add(id);
          for (const next of graph.after(id)) {
            const left = (waiting.get(next) ?? 0) - 1;
            if (!waiting.has(next)) continue;
            waiting.set(next, left);
            if (left === 0) ready.push(next);
          }
          pump();
        },
        (err: unknown) => {
          running--;
          result.failed.set(id, err);
          skipFrom(id, `${id} failed`);
          pump();
        },
      );
    }
    settle();
  };

  queueMicrotask(pump);
  return {
    result: promise,
    stop(reason: string) {
      stopped ??= reason;
      settle();
    },
  };
}

/** For each node, the number of nodes on the longest chain from it to the end of the graph. */
function chainLengths(graph: DepGraph): Map<string, number> {
  const order = graph.topological();
  const h = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i] as string;
    let best = 0;
    for (const m of graph.after(n)) best = Math.max(best, h.get(m) ?? 0);
    h.set(n, best + 1);
  }
  return h;
}

class MaxHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly key: (t: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key(a[p] as T) >= this.key(a[i] as T)) break;
      [a[p], a[i]] = [a[i] as T, a[p] as T];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.key(a[l] as T) > this.key(a[m] as T)) m = l;
        if (r < a.length && this.key(a[r] as T) > this.key(a[m] as T)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i] as T, a[m] as T];
        i = m;
      }
    }
    return top;
  }
}
