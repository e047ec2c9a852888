// Apply-mode decisions: for each declared resource, compare what is there with what is wanted
// and pick create, update, replace, read (adopt) or noop, saying why.
import type { ResourceDecl } from "./declaration.js";
import { diffValues } from "./diff.js";
import type { PlanEntry, ReplaceOrder } from "./plan.js";
import type { AnyResourceType, Change, Observed, StepContext } from "./resource.js";
import type { ResourceState } from "./state.js";
import type { JsonObject } from "./values.js";

export interface Decision {
  entry: PlanEntry;
  /** The object found to adopt, when the entry adopts one. */
  adopted?: Observed;
}

export function replaceOrder(decl: ResourceDecl | undefined, type: AnyResourceType): ReplaceOrder {
  const cbd = decl?.lifecycle?.createBeforeDestroy ?? type.createBeforeDestroy ?? false;
  return cbd ? "create-before-destroy" : "destroy-before-create";
}

export function inputChanges(type: AnyResourceType, decl: ResourceDecl, observed: JsonObject, desired: JsonObject): Change[] {
  const ignore = [...(type.computedInputs ?? []), ...(decl.lifecycle?.ignoreChanges ?? [])];
  const changes = type.diff ? type.diff(observed, desired) : diffValues(observed, desired, { replaceOn: type.replaceOn });
  return changes.filter((c) => !ignore.some((p) => c.path === p || c.path.startsWith(p + ".")));
}

export interface DecideInput {
  decl: ResourceDecl;
  type: AnyResourceType;
  inputs: JsonObject;
  complete: boolean;
  existing: ResourceState | undefined;
  dependencies: string[];
  replaceRequested: boolean;
  ctx: StepContext;
  stack: string;
}

export async function decideApply(d: DecideInput): Promise<Decision> {
  const base = { address: d.decl.address, type: d.decl.type, dependencies: d.dependencies, after: d.inputs } as const;
  const protect = d.decl.lifecycle?.protect === true ? { protect: true } : {};
  const live = d.existing && (d.existing.status === "created" || d.existing.status === "tainted") ? d.existing : undefined;
  if (!live) {
    if (d.type.find && d.complete) {
      const found = await d.type.find(d.ctx, { address: d.decl.address, stack: d.stack }, d.inputs);
      if (found) {
        const changes = inputChanges(d.type, d.decl, found.inputs, d.inputs);
        const replace = changes.some((c) => c.forcesReplacement);
        if (!replace) {
          const action = changes.length === 0 ? "read" : "update";
          const reason = `adopt existing object ${found.id}${changes.length > 0 ? ", then update it" : ""}`;
          return { entry: { ...base, ...protect, action, reason, id: found.id, adopt: true, before: found.inputs, changes }, adopted: found };
        }
      }
    }
    return { entry: { ...base, ...protect, action: "create", changes: [] } };
  }
  const before = live.inputs;
  const replaceWith = (reason: string, changes: Change[]): Decision => ({
    entry: { ...base, ...protect, action: "replace", reason, replaceOrder: replaceOrder(d.decl, d.type), id: live.id ?? "", before, changes },
  });
  const changes = inputChanges(d.type, d.decl, before, d.inputs);
  if (live.status === "tainted") return replaceWith("tainted: left by a failed create", changes);
  if (d.replaceRequested) return replaceWith("requested with --replace", changes);
  const forcing = changes.filter((c) => c.forcesReplacement);
  if (forcing.length > 0) return replaceWith(`forces replacement: ${forcing.map((c) => c.path).join(", ")}`, changes);
  const action = changes.length > 0 ? "update" : "noop";
  return { entry: { ...base, ...protect, action, id: live.id ?? "", before, changes } };
}
