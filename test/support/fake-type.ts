// A resource type made of functions over a FakeWorld. Defaults behave like a well-made remote
// API; tests override single functions to misbehave. Inputs steer it:
//   delayMs        how long each call takes
//   fail           "create" | "create-leaving" | "update" | "delete": that call fails
//   token          a secret input (sensitive)
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { CreateFailedError, ExternalError } from "../../src/engine/errors.js";
import type { Found, ResourceType } from "../../src/engine/resource.js";
import type { JsonObject } from "../../src/engine/values.js";
import type { FakeWorld } from "./fake-world.js";

export const fakeInputs = z.looseObject({
  value: z.unknown().optional(),
  delayMs: z.number().int().nonnegative().default(0),
  fail: z.enum(["create", "create-leaving", "update", "delete"]).optional(),
  token: z.string().optional(),
});
export const fakeOutputs = z.looseObject({ id: z.string(), value: z.unknown().optional(), secret: z.string().optional() });

type FakeType = ResourceType<JsonObject, JsonObject>;

export interface FakeTypeOptions extends Partial<Omit<FakeType, "type" | "inputs" | "outputs">> {
  type: string;
}

export function fakeType(world: FakeWorld, opts: FakeTypeOptions): FakeType {
  const wait = (inputs: JsonObject, signal: AbortSignal) => sleep(Number(inputs.delayMs ?? 0), undefined, { signal });
  const outputsOf = (id: string, inputs: JsonObject): JsonObject => ({ id, value: (inputs.value ?? null) as JsonObject[string], secret: `s3cret-${id}` });
  const base: FakeType = {
    type: opts.type,
    inputs: fakeInputs as unknown as z.ZodType<JsonObject>,
    outputs: fakeOutputs as unknown as z.ZodType<JsonObject>,
    sensitive: { inputs: ["token"], outputs: ["secret"] },
    async read(_ctx, current) {
      const o = world.read().objects[current.id];
      world.log(`read ${current.id}`);
      return o ? { status: "found", inputs: { ...o.inputs }, outputs: outputsOf(current.id, o.inputs) } : { status: "gone" };
    },
    async find(_ctx, owner) {
      const entry = Object.entries(world.read().objects).find(([, o]) => o.owner === owner.address);
      if (!entry) return undefined;
      const [id, o] = entry;
      return { id, inputs: o.inputs, outputs: outputsOf(id, o.inputs), ...(o.lineage !== undefined ? { lineage: o.lineage } : {}) } satisfies Found;
    },
    async mark(_ctx, current, owner) {
      world.mutate((w) => {
        const o = w.objects[current.id];
        if (!o) throw new ExternalError(`${current.id} not found`);
        o.lineage = owner.lineage;
        w.log.push(`mark ${current.id}`);
      });
    },
    async create(ctx, inputs, owner) {
      await wait(inputs, ctx.signal);
      if (inputs.fail === "create") throw new ExternalError(`create of ${owner.address} refused`);
      const id = world.mutate((w) => {
        const id = `${opts.type}-${w.nextId++}`;
        w.objects[id] = { type: opts.type, owner: owner.address, lineage: owner.lineage, inputs: { ...inputs } };
        w.log.push(`create ${owner.address} ${id}`);
        return id;
      });
      if (inputs.fail === "create-leaving") throw new CreateFailedError(`create of ${owner.address} failed half way`, { id, outputs: outputsOf(id, inputs) });
      await wait(inputs, ctx.signal);
      return { id, outputs: outputsOf(id, inputs) };
    },
    async update(ctx, current, desired) {
      await wait(desired, ctx.signal);
      if (desired.fail === "update") throw new ExternalError(`update of ${current.id} refused`);
      world.mutate((w) => {
        const o = w.objects[current.id];
        if (!o) throw new ExternalError(`${current.id} not found`);
        o.inputs = { ...desired };
        w.log.push(`update ${current.id}`);
      });
      return { outputs: outputsOf(current.id, desired) };
    },
    async delete(ctx, current) {
      await wait(current.inputs, ctx.signal);
      if (current.inputs.fail === "delete") throw new ExternalError(`delete of ${current.id} refused`);
      world.mutate((w) => {
        delete w.objects[current.id];
        w.log.push(`delete ${current.id}`);
      });
    },
  };
  return { ...base, ...opts } as FakeType;
}
