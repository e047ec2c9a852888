// The state file's shape, checked on every load. Format 1. A file from a newer hk, a truncated
// file or one that does not match is refused and left untouched.
import { z } from "zod";
import type { JsonObject } from "./values.js";

export const STATE_FORMAT = 1;

const json: z.ZodType<unknown> = z.unknown();
const jsonObject = z.record(z.string(), json);

export const resourceStateSchema = z.strictObject({
  address: z.string().min(1),
  type: z.string().min(1),
  /** null only for a dormant temporary resource, which has no live object. */
  id: z.string().nullable(),
  /**
   * created: live, the object the address stands for. tainted: left by a failed create; replaced
   * next run. deposed: the old object of a create-before-destroy replacement, still to be deleted.
   * dormant: a temporary resource with no live object now (remembered for the next time it is needed).
   */
  status: z.enum(["created", "tainted", "deposed", "dormant"]),
  inputs: jsonObject,
  outputs: jsonObject,
  dependencies: z.array(z.string()),
  lifecycle: z
    .strictObject({ protect: z.boolean().optional(), temporary: z.boolean().optional(), createBeforeDestroy: z.boolean().optional() })
    .optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  /** Input paths fed from another resource's sensitive output: kept in the secrets sidecar too. */
  secretInputs: z.array(z.string()).optional(),
});

export const pendingOpSchema = z.strictObject({
  id: z.string().min(1),
  address: z.string().min(1),
  type: z.string().min(1),
  operation: z.enum(["create", "update", "delete"]),
  startedAt: z.string(),
  pid: z.number().int(),
  host: z.string(),
  /** The object's id for update/delete; absent for create (the crash may have come before it was known). */
  objectId: z.string().optional(),
  /** The inputs a create was called with, so a later run can find the object it made. */
  inputs: jsonObject.optional(),
  /** Input paths fed from sensitive outputs, for the record a later run adopts. */
  secretInputs: z.array(z.string()).optional(),
});

export const stateSchema = z.strictObject({
  format: z.literal(STATE_FORMAT),
  serial: z.number().int().nonnegative(),
  lineage: z.string().min(1),
  /** The stack (cluster) the state belongs to; ownership labels carry it. */
  stack: z.string(),
  hkVersion: z.string(),
  resources: z.array(resourceStateSchema),
  outputs: jsonObject,
  /** Names of outputs taken from sensitive values: kept in the secrets sidecar, shown as (sensitive). */
  secretOutputs: z.array(z.string()).optional(),
  pending: z.array(pendingOpSchema),
  /** The last journal entry this file includes; newer entries in the journal are replayed on load. */
  journalSeq: z.number().int().nonnegative().optional(),
});

export type ResourceState = Omit<z.infer<typeof resourceStateSchema>, "inputs" | "outputs"> & {
  inputs: JsonObject;
  outputs: JsonObject;
};
export type PendingOp = Omit<z.infer<typeof pendingOpSchema>, "inputs"> & { inputs?: JsonObject };
export type StateData = Omit<z.infer<typeof stateSchema>, "resources" | "pending" | "outputs"> & {
  resources: ResourceState[];
  pending: PendingOp[];
  outputs: JsonObject;
};

export function emptyState(lineage: string, stack: string, hkVersion: string): StateData {
  return { format: STATE_FORMAT, serial: 0, lineage, stack, hkVersion, resources: [], outputs: {}, pending: [] };
}

/**
 * Of the records at one address, the one the address stands for: its live object, else a
 * tainted or dormant one, never a deposed one. (A failed create-before-destroy can leave a
 * tainted record next to the live one; the live one counts.)
 */
export function standingRecord(records: Iterable<ResourceState>): ResourceState | undefined {
  let other: ResourceState | undefined;
  for (const r of records) {
    if (r.status === "deposed") continue;
    if (r.status === "created") return r;
    other ??= r;
  }
  return other;
}

/** Records grouped by address, in the order the addresses first appear. */
export function recordsByAddress(resources: Iterable<ResourceState>): Map<string, ResourceState[]> {
  const byAddress = new Map<string, ResourceState[]>();
  for (const r of resources) {
    const at = byAddress.get(r.address);
    if (at) at.push(r);
    else byAddress.set(r.address, [r]);
  }
  return byAddress;
}

/** The standing record of any address of a state that does not change meanwhile: indexed once. */
export function standingIndex(state: StateData): (address: string) => ResourceState | undefined {
  const byAddress = recordsByAddress(state.resources);
  return (address) => standingRecord(byAddress.get(address) ?? []);
}
