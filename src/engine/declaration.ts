// What a config declares: resources with inputs (which may reference other resources' outputs),
// explicit dependencies and lifecycle options. The engine plans from a Stack of these.
import type { Cost } from "./resource.js";
import type { Declared } from "./values.js";

export interface Lifecycle {
  /** Refuse to delete or replace this resource. */
  protect?: boolean;
  /** Input paths whose differences are ignored (prefixes match below them). */
  ignoreChanges?: string[];
  /** Replacement order: true = create the new object first, delete the old one after. */
  createBeforeDestroy?: boolean;
  /**
   * Exists only while resources that depend on it are being created, changed or destroyed:
   * created before the first of them, deleted after the last one succeeded.
   */
  temporary?: boolean;
}

export interface ResourceDecl {
  /** `type.name`: unique within the stack. */
  address: string;
  type: string;
  inputs: { [key: string]: Declared };
  dependsOn?: string[];
  /**
   * Dependencies needed only while this resource is created, replaced or deleted (a bootstrap
   * cluster that makes what then runs on its own): they order it like dependsOn, but a temporary
   * one among them is not brought back for an update of this resource.
   */
  dependsOnToCreate?: string[];
  lifecycle?: Lifecycle;
}

/** A costed item the stack will cause that is not itself a hk resource (e.g. servers CAPH makes). */
export interface IndirectCost extends Cost {
  /** Who makes it, e.g. "CAPH (3 × control plane)". */
  by: string;
  /**
   * The resource whose creation causes it: counted when that resource is created (or saved when
   * deleted). Without it, counted when the plan builds the stack from nothing.
   */
  with?: string;
}

/** Everything the engine needs from a config: the resources and the stack's name. */
export interface Stack {
  /** Names the owner of everything hk creates (ownership labels); the cluster name. */
  name: string;
  resources: ResourceDecl[];
  /** Named values shown after apply (`Outputs:`); may reference resources. */
  outputs?: { [key: string]: Declared };
  /** Costs the stack causes outside hk's own resources, for the plan. */
  indirectCosts?: () => Promise<IndirectCost[]>;
}

export function addressParts(address: string): { type: string; name: string } {
  const dot = address.indexOf(".");
  return { type: address.slice(0, dot), name: address.slice(dot + 1) };
}

export const ADDRESS_PATTERN = /^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\[[^\]]+\])?$/;
