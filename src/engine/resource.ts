// The contract every resource type implements. The engine knows nothing else about a resource:
// how to check its inputs, read it, diff it, and create, update or delete it.
//
// The create rule: a failed create created nothing, or throws CreateFailedError naming what it
// left (id and outputs). The engine records what was left as `tainted` so the next plan replaces
// it; nothing is ever orphaned silently. Every resource type's tests check this rule.
import type { z } from "zod";
import type { Json, JsonObject } from "./values.js";

/** What a running step can use: cancellation, progress reporting and a log line sink. */
export interface StepContext {
  /** Aborted on the second Ctrl-C: long waits must stop promptly. */
  readonly signal: AbortSignal;
  /** Report progress of a long step; `fraction` in [0, 1] when known. */
  progress(message: string, fraction?: number): void;
  /** A line for the log (never a secret). */
  log(message: string): void;
}

/** An object as hk knows it: its id, the inputs it was made from (or observed with), its outputs. */
export interface Observed<I = JsonObject, O = JsonObject> {
  id: string;
  inputs: I;
  outputs: O;
}

export type ReadResult<I = JsonObject, O = JsonObject> =
  | { status: "found"; inputs: I; outputs: O }
  | { status: "gone" };

/** One attribute-level difference between two input objects. */
export interface Change {
  /** Dotted path inside inputs (`rules.0.port`); "" for the whole object. */
  path: string;
  before: Json | undefined;
  after: unknown;
  forcesReplacement: boolean;
  /** How the plan names the path when the type knows a clearer name (the object a list element is); display only. */
  label?: string;
}

/** Who the object is for: the resource's address and the cluster it belongs to (for ownership labels). */
export interface Owner {
  address: string;
  /** The owning hk stack (cluster name); resource types put it into ownership labels. */
  stack: string;
  /**
   * The lineage of the state that owns the object: its owner mark. Types put it on what they
   * create (a label) and report it from find, so no other state adopts the object unasked.
   */
  lineage: string;
}

/** An object find looked up, with the owner mark it carries. */
export interface Found<I = JsonObject, O = JsonObject> extends Observed<I, O> {
  /** The lineage of the state that marked it as its own; absent when it carries no mark (made by hand, or by an hk before marks). */
  lineage?: string;
}

/** Cost of one object per month, in the currency the provider prices in. */
export interface Cost {
  monthly: number;
  currency: string;
  /** What the figure covers, e.g. "cx33 in nbg1" or "snapshot, 1.2 GB". */
  what: string;
}

export interface ResourceType<I extends JsonObject = JsonObject, O extends JsonObject = JsonObject> {
  /** `hcloud_firewall`, `kind_cluster`: the first part of an address. */
  readonly type: string;
  /** Inputs schema: checked on every declared resource before planning. */
  readonly inputs: z.ZodType<I>;
  /** Outputs schema: checked on what create/update/read return. */
  readonly outputs: z.ZodType<O>;
  /**
   * Dotted paths of inputs and outputs that are secret: kept out of state, plans and logs. The
   * engine extends this per resource: an input fed by reference from another resource's sensitive
   * output is secret too (src/engine/sensitivity.ts). It cannot see where an output comes from, so
   * an output that echoes a possibly secret input must be listed here.
   */
  readonly sensitive?: { readonly inputs?: readonly string[]; readonly outputs?: readonly string[] };
  /** Input paths whose change forces replacement (used by the default diff). A prefix matches below it. */
  readonly replaceOn?: readonly string[];
  /** Replacement order when the config does not say: true = new object first, old deleted after. */
  readonly createBeforeDestroy?: boolean;
  /** Input paths that can only be known by reading the object: ignored by the default diff. */
  readonly computedInputs?: readonly string[];

  /** Observe one object. Never mutates anything. */
  read(ctx: StepContext, current: Observed<I, O>): Promise<ReadResult<I, O>>;
  /**
   * Observe many objects of this type at once (e.g. one list call per 50). Optional: without it the
   * engine calls read for each, with bounded concurrency. The map is keyed by id; a missing id is gone.
   */
  readMany?(ctx: StepContext, current: readonly Observed<I, O>[]): Promise<Map<string, ReadResult<I, O>>>;
  /**
   * Find an object made for `owner` that hk has no id for: an object left by a create that crashed
   * before its id was saved, or one to adopt instead of building it again. Never mutates anything.
   * It must match `desired`, not only the owner: during a create-before-destroy replacement the
   * old object is made for the same owner. After a crash, `desired` is the pending record's
   * inputs, where sensitive values are blanked: match on what is not secret (labels, names).
   * It reports the object's owner mark (`lineage`); the engine decides whether to adopt it.
   */
  find?(ctx: StepContext, owner: Owner, desired: I): Promise<Found<I, O> | undefined>;
  /**
   * Put `owner`'s mark on an object being adopted, replacing any other (optional): from then on
   * other states see it as this state's. Called by apply, never by plan.
   */
  mark?(ctx: StepContext, current: Observed<I, O>, owner: Owner): Promise<void>;
  /** Differences between observed and desired inputs. Default: a deep diff honouring replaceOn. */
  diff?(observed: I, desired: I): Change[];
  create(ctx: StepContext, inputs: I, owner: Owner): Promise<{ id: string; outputs: O }>;
  update(ctx: StepContext, current: Observed<I, O>, desired: I, changes: readonly Change[]): Promise<{ outputs: O }>;
  /** Delete the object. Deleting an object that is already gone succeeds. */
  delete(ctx: StepContext, current: Observed<I, O>): Promise<void>;
  /**
   * What applying a change causes beyond the object itself, as plan lines (optional): "2
   * control-plane servers added", "nodes replaced one at a time". `before` is absent for a create,
   * `after` for a delete.
   */
  consequences?(before: I | undefined, after: I | undefined): string[];
  /**
   * For destroy: whether deleting this object needs none of the temporary resources it depends on
   * (optional; default: it needs them). Given the object as just refreshed, e.g. there is nothing
   * left to move through a bootstrap cluster. A temporary no one needs is not brought back.
   */
  deletesAlone?(current: Observed<I, O>): boolean;
  /**
   * For destroy: whether deleting this object (as just refreshed) removes an object the sweep
   * found too (optional; default: no), e.g. what its own controllers made and delete with it.
   * The sweep leaves such an object out, so the plan lists and prices it once, under this one.
   */
  deletesWith?(current: Observed<I, O>, found: { type: string; inputs: JsonObject }): boolean;
  /** Monthly cost of an object with these inputs, for the plan; optional. */
  cost?(inputs: I): Promise<Cost | undefined>;
  /**
   * Leftover sweep for destroy: objects of this type that belong to the stack but are not in hk's
   * state (e.g. servers or load balancers other controllers made for the cluster). Each is listed
   * in the destroy plan and deleted with `delete`. Only objects labelled for the stack qualify.
   */
  discover?(ctx: StepContext, stack: string): Promise<Discovered<I, O>[]>;
  /**
   * Objects of this type that only an hk run makes for itself and deletes before it ends (a build
   * server and its key) yet are still there: left by a run killed half way. hk holds the state's
   * lock while planning, so no run of this stack owns them: every apply plans their deletion.
   */
  strays?(ctx: StepContext, stack: string): Promise<Discovered<I, O>[]>;
  /** Types whose discovered objects must be gone before this type's are deleted (a network after its servers). */
  readonly deleteAfter?: readonly string[];
}

/** A leftover found by discover: the object plus a name to show in the plan, and its owner mark if any. */
export interface Discovered<I = JsonObject, O = JsonObject> extends Found<I, O> {
  /** A stable display name, e.g. the object's own name; the plan address is `type.name`. */
  name: string;
  /** Not to be deleted, and why (e.g. delete protection is on, and how to lift it): listed as kept. */
  keep?: string;
  /** Discovered objects (type and id) this one must be deleted after; replaces the type's deleteAfter for it. */
  after?: ReadonlyArray<{ type: string; id: string }>;
}

/** A resource type with its generics erased, as the engine's registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyResourceType = ResourceType<any, any>;

export type Registry = ReadonlyMap<string, AnyResourceType>;

export function registry(types: readonly AnyResourceType[]): Registry {
  return new Map(types.map((t) => [t.type, t]));
}
