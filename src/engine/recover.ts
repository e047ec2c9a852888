// Resolve operations a crashed run left pending, by looking at the live objects: a create whose
// object exists is adopted (never created twice); a delete whose object is gone is finished.
import type { EventBus } from "./events.js";
import type { Registry } from "./resource.js";
import type { PendingOp, StateData } from "./state.js";
import { stepContext } from "./step-context.js";

export interface Recovery {
  op: PendingOp;
  message: string;
  /** Change to apply to the state to record the outcome (the pending op itself is dropped by the caller). */
  apply(state: StateData): void;
}

export async function recoverPending(state: StateData, registry: Registry, bus: EventBus, signal: AbortSignal): Promise<Recovery[]> {
  const out: Recovery[] = [];
  for (const op of state.pending) {
    const type = registry.get(op.type);
    const ctx = stepContext(bus, signal, op.address, "read");
    const when = `interrupted ${op.operation} of ${op.address} (started ${op.startedAt} by pid ${op.pid})`;
    if (!type) {
      out.push({ op, message: `${when}: resource type ${op.type} is unknown to this hk; dropped`, apply: () => undefined });
      continue;
    }
    if (op.operation === "create") {
      const found = type.find ? await type.find(ctx, { address: op.address, stack: state.stack, lineage: state.lineage }, op.inputs ?? {}) : undefined;
      const known = found !== undefined && state.resources.some((r) => r.id === found.id);
      // This state's create marked what it made; an object with another state's mark is not it.
      const foreign = found?.lineage !== undefined && found.lineage !== state.lineage;
      if (found && !known && !foreign) {
        out.push({
          op,
          message: `${when}: found the object it made (id ${found.id}); adopted into the state`,
          apply: (s) => {
            // An object already at the address is the old half of a create-before-destroy: depose it.
            for (const r of s.resources) if (r.address === op.address && r.status === "created") r.status = "deposed";
            s.resources = s.resources.filter((r) => !(r.address === op.address && (r.status === "tainted" || r.status === "dormant")));
            s.resources.push({
              address: op.address,
              type: op.type,
              id: found.id,
              status: "created",
              inputs: found.inputs,
              outputs: found.outputs,
              dependencies: [],
              ...(op.secretInputs ? { secretInputs: op.secretInputs } : {}),
            });
          },
        });
      } else {
        const note = !type.find
          ? `${op.type} cannot look objects up; check by hand that none was left`
          : known
            ? `the only object found (id ${found.id}) is already in the state; taken as no new object made (check by hand if in doubt)`
            : foreign
              ? `no object was made (the one found, id ${found.id}, is another hk state's: lineage ${found.lineage})`
              : "no object was made";
        out.push({ op, message: `${when}: ${note}`, apply: () => undefined });
      }
    } else if (op.operation === "delete" && op.objectId !== undefined) {
      const current = state.resources.find((r) => r.address === op.address && r.id === op.objectId);
      const read = current ? await type.read(ctx, { id: op.objectId, inputs: current.inputs, outputs: current.outputs }) : { status: "gone" as const };
      const gone = read.status === "gone";
      out.push({
        op,
        message: `${when}: ${gone ? "the object is gone; removed from the state" : "the object still exists; it will be planned again"}`,
        apply: (s) => {
          if (gone) s.resources = s.resources.filter((r) => !(r.address === op.address && r.id === op.objectId));
        },
      });
    } else {
      out.push({ op, message: `${when}: the refresh reads the object as it is now`, apply: () => undefined });
    }
    bus.emit({ type: "refresh-resource", address: op.address, result: "recovered" });
  }
  return out;
}

/** Apply recoveries to a state and drop their pending records. */
export function applyRecoveries(state: StateData, recoveries: readonly Recovery[]): void {
  for (const r of recoveries) r.apply(state);
  const ids = new Set(recoveries.map((r) => r.op.id));
  state.pending = state.pending.filter((p) => !ids.has(p.id));
}
