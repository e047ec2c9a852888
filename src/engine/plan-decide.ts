// Apply-mode decisions: for each declared resource, compare what is there with what is wanted
// and pick create, update, replace, read (adopt) or noop, saying why.
import type { ResourceDecl } from "./declaration.js";
import { diffValues } from "./diff.js";
import type { PlanEntry, ReplaceOrder } from "./plan.js";
import type { AnyResourceType, Change, Found, StepContext } from "./resource.js";
import type { ResourceState } from "./state.js";
import type { JsonObject } from "./values.js";

export interface Decision {
  entry: PlanEntry;
  /** The object found to adopt, when the entry adopts one. */
  adopted?: Found;
  /** Why an object that is there is not adopted (another state's mark is on it): the plan fails with it. */
  refused?: string;
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
  /** The lineage of the state planned for: objects marked with another are not adopted unless asked. */
  lineage: string;
  /** Adoption of an object another state's mark is on was asked for (--adopt). */
  adoptRequested: boolean;
}

/** Whose an object to adopt is, for the plan's reason; or a refusal when it is another state's and nobody asked. */
function ownership(d: DecideInput, found: Found): { note: string } | { refused: string } {
  if (found.lineage === undefined) return { note: ` (no owner mark: made by hand or by an older hk${d.type.mark ? "; apply marks it as this state's" : ""})` };
  if (found.lineage === d.lineage) return { note: "" };
  if (d.adoptRequested) return { note: ` (owned by another hk state, lineage ${found.lineage}: taken over as asked with --adopt)` };
  return { refused: `${d.decl.address}: object ${found.id} is managed by another hk state (lineage ${found.lineage}); this state (lineage ${d.lineage}) will not adopt it` };
}

export async function decideApply(d: DecideInput): Promise<Decision> {
  const base = { address: d.decl.address, type: d.decl.type, dependencies: d.dependencies, after: d.inputs } as const;
  const protect = d.decl.lifecycle?.protect === true ? { protect: true } : {};
  const live = d.existing && (d.existing.status === "created" || d.existing.status === "tainted") ? d.existing : undefined;
  if (!live) {
    if (d.type.find && d.complete) {
      const found = await d.type.find(d.ctx, { address: d.decl.address, stack: d.stack, lineage: d.lineage }, d.inputs);
      if (found) {
        const owner = ownership(d, found);
        if ("refused" in owner) return { entry: { ...base, ...protect, action: "create", changes: [] }, refused: owner.refused };
        const changes = inputChanges(d.type, d.decl, found.inputs, d.inputs);
        const replace = changes.some((c) => c.forcesReplacement);
        if (!replace) {
          const action = changes.length === 0 ? "read" : "update";
          const reason = `adopt existing object ${found.id}${changes.length > 0 ? ", then update it" : ""}${owner.note}`;
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
