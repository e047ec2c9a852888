// Synthetic stacks for the benchmark: a random DAG of N resources of an in-memory type whose
// calls take a simulated latency, so engine overhead can be measured against the ideal schedule.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { ResourceDecl, Stack } from "../engine/declaration.js";
import type { ReadResult, ResourceType } from "../engine/resource.js";
import { ref, type JsonObject } from "../engine/values.js";
import { seededRandom } from "../lib/prng.js";
import { collectPages } from "../providers/hcloud/paging.js";

export interface Synthetic {
  stack: Stack;
  latency: Map<string, number>;
}

/** N resources; each depends on up to `fanIn` of the previous `window` ones; latency in [min, max) ms. */
export function syntheticStack(n: number, opts: { seed?: number; fanIn?: number; window?: number; minMs?: number; maxMs?: number } = {}): Synthetic {
  const rand = seededRandom(opts.seed ?? 42);
  const resources: ResourceDecl[] = [];
  const latency = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const address = `bench.r${i}`;
    const deps = new Set<number>();
    const k = i === 0 ? 0 : Math.floor(rand() * ((opts.fanIn ?? 3) + 1));
    for (let j = 0; j < k; j++) deps.add(Math.max(0, i - 1 - Math.floor(rand() * (opts.window ?? 200))));
    const ms = Math.round((opts.minMs ?? 5) + rand() * ((opts.maxMs ?? 50) - (opts.minMs ?? 5)));
    latency.set(address, ms);
    resources.push({
      address,
      type: "bench",
      inputs: { delayMs: ms, payload: `resource ${i} `.repeat(8), refs: [...deps].map((d) => ref(`bench.r${d}`, "id")) },
    });
  }
  return { stack: { name: "bench", resources }, latency };
}

/** The longest latency-weighted chain: the best any apply with unlimited parallelism can do. */
export function criticalPathMs(s: Synthetic): number {
  const finish = new Map<string, number>();
  for (const d of s.stack.resources) {
    const deps = ((d.inputs.refs ?? []) as Array<{ $ref: string }>).map((r) => finish.get(r.$ref) ?? 0);
    finish.set(d.address, Math.max(0, ...deps) + (s.latency.get(d.address) ?? 0));
  }
  return Math.max(...finish.values());
}

const inputs = z.object({ delayMs: z.number(), payload: z.string(), refs: z.array(z.string()) });

/** An in-memory resource type: a Map stands in for the remote API. */
export function benchType(sleepOnRead = false): ResourceType<JsonObject, JsonObject> & { objects: Map<string, JsonObject> } {
  const objects = new Map<string, JsonObject>();
  let next = 1;
  return {
    objects,
    type: "bench",
    inputs: inputs as unknown as z.ZodType<JsonObject>,
    outputs: z.object({ id: z.string() }) as unknown as z.ZodType<JsonObject>,
    async read(_ctx, current): Promise<ReadResult> {
      const o = objects.get(current.id);
      return o ? { status: "found", inputs: o, outputs: { id: current.id } } : { status: "gone" };
    },
    async readMany(_ctx, current) {
      // Pages of 50 taking 20 ms each, collected the way the Hetzner client collects them.
      if (sleepOnRead) {
        const pages = Math.max(1, Math.ceil(current.length / 50));
        await collectPages(async (page) => {
          await sleep(20);
          return { items: [], next: page < pages ? page + 1 : null, last: pages };
        });
      }
      return new Map(current.map((c) => [c.id, objects.has(c.id) ? { status: "found" as const, inputs: objects.get(c.id) as JsonObject, outputs: { id: c.id } } : { status: "gone" as const }]));
    },
    async create(_ctx, i) {
      await sleep(Number(i.delayMs));
      const id = `b${next++}`;
      objects.set(id, i);
      return { id, outputs: { id } };
    },
    async update(_ctx, current, desired) {
      await sleep(Number(desired.delayMs));
      objects.set(current.id, desired);
      return { outputs: { id: current.id } };
    },
    async delete(_ctx, current) {
      await sleep(Number(current.inputs.delayMs ?? 0));
      objects.delete(current.id);
    },
  };
}
