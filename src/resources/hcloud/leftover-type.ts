// A resource type hk never creates, only sweeps on destroy: objects of one kind labelled for the
// stack (CAPH's caph-cluster-<stack>=owned or hk's hk/stack=<stack>) that are not in hk's state.
// Nothing without one of those labels is ever listed, so nothing unlabelled is touched.
import { z } from "zod";
import { BugError } from "../../engine/errors.js";
import type { Cost, Discovered, ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import type { JsonObject } from "../../engine/values.js";
import type { HcloudClient } from "../../providers/hcloud/index.js";
import { labelledFor, stackSelectors } from "./labels.js";

export interface LeftoverSpec<T extends { id: number; name: string; labels: Record<string, string> }> {
  type: string;
  /** What the plan calls one object: "server", "load balancer". */
  noun: string;
  list(c: HcloudClient, labelSelector: string): Promise<T[]>;
  get(c: HcloudClient, id: number): Promise<T | undefined>;
  /** Delete one object, waiting for it to be gone (detaching it first where the API needs that). */
  remove(c: HcloudClient, obj: T, ctx: StepContext): Promise<void>;
  /** What the plan shows (and cost prices) about an object. */
  describe(obj: T): JsonObject;
  /** More objects that belong to the stack although they carry neither label (e.g. the CCM's load balancers). */
  more?(c: HcloudClient, stack: string): Promise<T[]>;
  cost?(client: HcloudClient, inputs: JsonObject): Promise<Cost | undefined>;
  deleteAfter?: string[];
}

const anyObject = z.record(z.string(), z.json()) as z.ZodType<JsonObject>;

export function leftoverType<T extends { id: number; name: string; labels: Record<string, string> }>(client: HcloudClient, spec: LeftoverSpec<T>): ResourceType {
  const api = (ctx: StepContext) => client.withSignal(ctx.signal);
  const type: ResourceType = {
    type: spec.type,
    inputs: anyObject,
    outputs: anyObject,

    async read(ctx, current): Promise<ReadResult> {
      const obj = await spec.get(api(ctx), Number(current.id));
      return obj ? { status: "found", inputs: spec.describe(obj), outputs: { id: obj.id } } : { status: "gone" };
    },

    create() {
      throw new BugError(`${spec.type} is only swept by destroy; hk never creates a ${spec.noun}`);
    },

    update() {
      throw new BugError(`${spec.type} is only swept by destroy; hk never changes a ${spec.noun}`);
    },

    async delete(ctx, current) {
      const c = api(ctx);
      const obj = await spec.get(c, Number(current.id));
      if (!obj) return;
      ctx.progress(`deleting ${spec.noun} ${obj.name} (${obj.id})`);
      await spec.remove(c, obj, ctx);
    },

    async discover(ctx, stack): Promise<Discovered[]> {
      const c = api(ctx);
      const found = new Map<number, T>();
      for (const sel of stackSelectors(stack)) for (const o of await spec.list(c, sel)) if (labelledFor(o.labels, stack)) found.set(o.id, o);
      for (const o of (await spec.more?.(c, stack)) ?? []) found.set(o.id, o);
      return [...found.values()]
        .sort((a, b) => a.id - b.id)
        .map((o) => ({ id: String(o.id), name: o.name.replace(/[^A-Za-z0-9_-]/g, "_") || String(o.id), inputs: spec.describe(o), outputs: { id: o.id } }));
    },
  };
  const cost = spec.cost;
  if (cost) type.cost = (inputs) => cost(client, inputs);
  if (spec.deleteAfter) return { ...type, deleteAfter: spec.deleteAfter };
  return type;
}
