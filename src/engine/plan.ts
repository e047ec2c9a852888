// A plan is data: what will happen to each resource and why. Planning never mutates anything;
// applying executes exactly a plan. Values here are already redacted (no secrets).
import type { Change, Cost } from "./resource.js";
import type { Json } from "./values.js";

export type Action = "create" | "update" | "replace" | "delete" | "read" | "noop";
export type ReplaceOrder = "create-before-destroy" | "destroy-before-create";

export interface PlanEntry {
  address: string;
  type: string;
  action: Action;
  /** Why this action: "forced by version", "tainted by a failed create", "removed from config", … */
  reason?: string;
  replaceOrder?: ReplaceOrder;
  /** Id of the existing object (update, replace, delete, read/adopt). */
  id?: string;
  /** Inputs now (observed) and wanted; secrets shown as "(sensitive)", unknowns as {$unknown}. */
  before?: Json;
  after?: unknown;
  changes: Change[];
  /** Addresses this resource depends on (the edges the apply walk follows). */
  dependencies: string[];
  /** Created (or reused) for this run only and deleted once its dependents are done. */
  temporary?: boolean;
  /** The old object of an earlier create-before-destroy replacement, left to delete. */
  deposed?: boolean;
  /** Not in hk's state: found by the destroy sweep, labelled for this stack. */
  leftover?: boolean;
  /** For a leftover: addresses of leftovers to delete before this one (what it is attached to). */
  deleteAfter?: string[];
  /** The object exists but hk has no record of it: apply records it (then updates it if needed). */
  adopt?: boolean;
  protect?: boolean;
  cost?: Cost;
  /** What applying this entry causes beyond the object itself (servers a controller adds), in the type's words. */
  notes?: string[];
}

/** Something changed outside hk since the last apply, found by the refresh. */
export interface DriftEntry {
  address: string;
  kind: "changed" | "deleted";
  changes: Change[];
}

export interface CostLine extends Cost {
  /** Resource address, or who creates it for indirect costs ("CAPH"). */
  subject: string;
  /** + adds to the monthly bill, - saves. */
  sign: 1 | -1;
}

export interface KeptEntry {
  address: string;
  type: string;
  id: string;
  reason: string;
}

export interface Plan {
  format: 1;
  mode: "apply" | "destroy";
  createdAt: string;
  /** The state this plan was made against; applying a saved plan checks both. */
  state: { lineage: string; serial: number };
  /** Digest of the desired inputs (incl. secrets): a saved plan is refused if the config changed. */
  configDigest: string;
  entries: PlanEntry[];
  drift: DriftEntry[];
  /** Pending operations from a crashed run and how the refresh resolved them. */
  recovered: string[];
  costs: CostLine[];
  /** Objects the destroy sweep found but leaves alone, and why. */
  kept?: KeptEntry[];
  summary: { add: number; change: number; destroy: number };
  /** Apply options that shaped the plan (targets, replace), echoed for saved plans. */
  options: { targets: string[]; replace: string[]; refresh: boolean };
}

/** Unique key of an entry: the address, or for a deposed object the address and its id. */
export function entryKey(e: Pick<PlanEntry, "address" | "deposed" | "id">): string {
  return e.deposed ? `${e.address}~deposed~${e.id ?? ""}` : e.address;
}

export function hasChanges(plan: Plan): boolean {
  return plan.entries.some((e) => e.action !== "noop");
}

export function summarize(entries: readonly PlanEntry[]): Plan["summary"] {
  const s = { add: 0, change: 0, destroy: 0 };
  for (const e of entries) {
    if (e.temporary && e.action !== "delete") s.destroy++;
    if (e.action === "create") s.add++;
    else if (e.action === "update") s.change++;
    else if (e.action === "replace") {
      s.add++;
      s.destroy++;
    } else if (e.action === "delete") s.destroy++;
  }
  return s;
}
