// Refresh: read every live object the state knows, concurrently and bounded, one batch call per
// type where the type offers readMany. Returns what was observed and what drifted outside hk.
import { diffValues } from "./diff.js";
import type { EventBus } from "./events.js";
import type { DriftEntry } from "./plan.js";
import type { AnyResourceType, ReadResult, Registry } from "./resource.js";
import type { ResourceState, StateData } from "./state.js";
import { mapLimit, stepContext } from "./step-context.js";
import { findPaths, getPath, isEphemeral, setPath, type JsonObject } from "./values.js";

export type Observation = Map<ResourceState, ReadResult>;

function live(r: ResourceState): boolean {
  return r.id !== null && r.status !== "dormant";
}

/** What was observed per object, and what drifted outside hk (gone, or inputs unlike the record). */
export interface Refreshed {
  observed: Observation;
  drift: DriftEntry[];
}

export async function refreshState(state: StateData, registry: Registry, bus: EventBus, signal: AbortSignal, parallelism: number): Promise<Refreshed> {
  const started = Date.now();
  const targets = state.resources.filter(live);
  bus.emit({ type: "refresh-start", count: targets.length });
  const byType = new Map<AnyResourceType, ResourceState[]>();
  for (const r of targets) {
    const type = registry.get(r.type);
    if (!type) continue;
    const list = byType.get(type);
    if (list) list.push(r);
    else byType.set(type, [r]);
  }
  const observed: Observation = new Map();
  const single: Array<[AnyResourceType, ResourceState]> = [];
  const batches: Array<Promise<void>> = [];
  for (const [type, rs] of byType) {
    if (type.readMany) {
      const readMany = type.readMany.bind(type);
      batches.push(
        (async () => {
          const ctx = stepContext(bus, signal, `${type.type}.*`, "read");
          const results = await readMany(ctx, rs.map((r) => ({ id: r.id as string, inputs: r.inputs, outputs: r.outputs })));
          for (const r of rs) observed.set(r, results.get(r.id as string) ?? { status: "gone" });
        })(),
      );
    } else for (const r of rs) single.push([type, r]);
  }
  await Promise.all([
    ...batches,
    mapLimit(single, parallelism, async ([type, r]) => {
      const ctx = stepContext(bus, signal, r.address, "read");
      observed.set(r, await type.read(ctx, { id: r.id as string, inputs: r.inputs, outputs: r.outputs }));
    }),
  ]);
  const drift: DriftEntry[] = [];
  for (const r of targets) {
    const o = observed.get(r);
    if (!o) continue;
    const changes = o.status === "gone" ? [] : diffValues(r.inputs, o.inputs, { ignore: registry.get(r.type)?.computedInputs });
    bus.emit({ type: "refresh-resource", address: r.address, result: o.status === "gone" ? "gone" : changes.length > 0 ? "changed" : "found" });
    if (r.status !== "created") continue;
    if (o.status === "gone") drift.push({ address: r.address, kind: "deleted", changes: [] });
    else if (changes.length > 0) drift.push({ address: r.address, kind: "changed", changes });
  }
  bus.emit({ type: "refresh-done", durationMs: Date.now() - started });
  return { observed, drift: drift.sort((a, b) => a.address.localeCompare(b.address)) };
}

/**
 * Fold observations into the state: gone objects leave it, found ones take their observed values.
 * Inputs that came from a temporary resource cannot be observed; their markers are kept.
 */
export function applyObservations(state: StateData, observed: Observation): void {
  state.resources = state.resources.flatMap((r) => {
    const o = observed.get(r);
    if (!o) return [r];
    if (o.status === "gone") return [];
    return [{ ...r, inputs: keepEphemeral(r.inputs, o.inputs), outputs: o.outputs }];
  });
}

function keepEphemeral(recorded: JsonObject, observed: JsonObject): JsonObject {
  let out: unknown = observed;
  for (const p of findPaths(recorded, isEphemeral)) out = setPath(out, p, getPath(recorded, p));
  return out as JsonObject;
}
