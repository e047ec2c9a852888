import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../src/engine/values.js";
import { ref } from "../../src/engine/values.js";
import { fakeType } from "../support/fake-type.js";
import { actions, harness, stackOf } from "../support/engine-harness.js";

describe("temporary resources", () => {
  it("exist only while what needs them is created, changed or destroyed", async () => {
    const h = harness();
    const seenOnDelete: unknown[] = [];
    const fake = fakeType(h.world, { type: "fake" });
    const types = [
      fakeType(h.world, { type: "tmp" }),
      {
        ...fake,
        delete: async (ctx: Parameters<typeof fake.delete>[0], current: Parameters<typeof fake.delete>[1]) => {
          seenOnDelete.push(current.inputs.value);
          return fake.delete(ctx, current);
        },
      },
    ];
    const stack = (note: string) =>
      stackOf([
        { address: "tmp.boot", type: "tmp", inputs: {}, lifecycle: { temporary: true } },
        { address: "fake.x", type: "fake", inputs: { value: ref("tmp.boot", "secret"), note } },
      ]);
    const first = await h.apply(stack("a"), types);
    expect(actions(first.outcome)).toEqual(["create fake.x", "create tmp.boot"]);
    expect(first.outcome.plan.summary).toEqual({ add: 2, change: 0, destroy: 1 });
    expect(first.result.ok).toBe(true);
    const objects = Object.values(h.world.read().objects);
    expect(objects.map((o) => o.type)).toEqual(["fake"]);
    expect(objects[0]?.inputs.value).toMatch(/^s3cret-tmp-/);
    const boot = first.store.current.resources.find((r) => r.address === "tmp.boot");
    expect(boot).toMatchObject({ status: "dormant", id: null });
    const x = first.store.current.resources.find((r) => r.address === "fake.x");
    expect(x?.inputs.value).toEqual({ $ephemeral: "tmp.boot.secret" });

    expect(actions(await h.plan(stack("a"), types))).toEqual([]);

    const change = await h.plan(stack("b"), types);
    expect(actions(change)).toEqual(["create tmp.boot", "update fake.x"]);
    expect(change.plan.summary).toEqual({ add: 1, change: 1, destroy: 1 });
    expect(change.plan.entries.find((e) => e.address === "tmp.boot")?.reason).toBe("temporary: created for this run, deleted after");

    const destroyed = await h.apply(stack("a"), types, { mode: "destroy" });
    expect(actions(destroyed.outcome)).toEqual(["create tmp.boot", "delete fake.x"]);
    expect(destroyed.result.ok).toBe(true);
    expect(seenOnDelete).toHaveLength(1);
    expect(seenOnDelete[0]).toMatch(/^s3cret-tmp-/);
    expect(h.world.read().objects).toEqual({});
    expect(destroyed.store.current.resources).toEqual([]);
  });

  it("is not brought back for an update of a resource that needs it only to be created or deleted", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "tmp" }), fakeType(h.world, { type: "fake" })];
    const stack = (note: string) =>
      stackOf([
        { address: "tmp.boot", type: "tmp", inputs: {}, lifecycle: { temporary: true } },
        { address: "fake.made", type: "fake", inputs: { note }, dependsOnToCreate: ["tmp.boot"] },
      ]);
    const first = await h.apply(stack("a"), types);
    expect(actions(first.outcome)).toEqual(["create fake.made", "create tmp.boot"]);
    expect(first.result.ok).toBe(true);
    // Made through the bootstrap, changed without it.
    expect(actions(await h.plan(stack("b"), types))).toEqual(["update fake.made"]);
    const destroyed = await h.apply(stack("b"), types, { mode: "destroy" });
    expect(actions(destroyed.outcome)).toEqual(["create tmp.boot", "delete fake.made"]);
    expect(destroyed.result.ok).toBe(true);
    expect(h.world.read().objects).toEqual({});
  });

  it("is not brought back for a destroy whose dependents say they delete alone, nor is a temporary only it needed", async () => {
    const h = harness();
    const fake = fakeType(h.world, { type: "fake" });
    const types = [fakeType(h.world, { type: "tmp" }), { ...fake, deletesAlone: (c: { inputs: { alone?: unknown } }) => c.inputs.alone === true }];
    const stack = (alone: boolean) =>
      stackOf([
        { address: "tmp.boot", type: "tmp", inputs: {}, lifecycle: { temporary: true } },
        { address: "tmp.tools", type: "tmp", inputs: { on: ref("tmp.boot", "id") }, lifecycle: { temporary: true } },
        { address: "fake.made", type: "fake", inputs: { alone }, dependsOnToCreate: ["tmp.tools"] },
      ]);
    const first = await h.apply(stack(false), types);
    expect(first.result.ok, JSON.stringify(first.result)).toBe(true);
    expect(actions(await h.plan(stack(false), types, { mode: "destroy" }))).toEqual(["create tmp.boot", "create tmp.tools", "delete fake.made"]);
    await h.apply(stack(true), types);
    const destroyed = await h.apply(stack(true), types, { mode: "destroy" });
    expect(actions(destroyed.outcome)).toEqual(["delete fake.made"]);
    expect(destroyed.result.ok).toBe(true);
    expect(h.world.read().objects).toEqual({});
  });

  it("stays for the next run when what needed it failed", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "tmp" }), fakeType(h.world, { type: "fake" })];
    const { result, store } = await h.apply(
      stackOf([
        { address: "tmp.boot", type: "tmp", inputs: {}, lifecycle: { temporary: true } },
        { address: "fake.x", type: "fake", inputs: { value: ref("tmp.boot", "id"), fail: "create" } },
      ]),
      types,
    );
    expect(result.ok).toBe(false);
    expect(store.current.resources.find((r) => r.address === "tmp.boot")?.status).toBe("created");
  });
});

describe("crash recovery", () => {
  it("a pending create whose object exists is adopted, not created again", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([{ address: "fake.a", type: "fake", inputs: { value: 1 } }]);
    const store = await h.open(types);
    await store.beginPending({ address: "fake.a", type: "fake", operation: "create", inputs: { value: 1 } as JsonObject });
    // The crashed run's create reached the API: the object exists, its id never got saved.
    h.world.mutate((w) => (w.objects["fake-99"] = { type: "fake", owner: "fake.a", inputs: { value: 1, delayMs: 0 } }));
    const plan = await h.plan(stack, types);
    expect(plan.plan.recovered[0]).toMatch(/interrupted create of fake\.a .*found the object it made \(id fake-99\); adopted into the state/);
    expect(actions(plan)).toEqual([]);
    const { store: after } = await h.apply(stack, types);
    expect(after.current.pending).toEqual([]);
    expect(after.current.resources).toMatchObject([{ address: "fake.a", id: "fake-99", status: "created" }]);
    expect(Object.keys(h.world.read().objects)).toEqual(["fake-99"]);
  });

  it("a pending delete whose object is gone is finished", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([{ address: "fake.a", type: "fake", inputs: {} }]);
    const { store } = await h.apply(stack, types);
    const id = store.current.resources[0]?.id as string;
    await store.beginPending({ address: "fake.a", type: "fake", operation: "delete", objectId: id });
    h.world.mutate((w) => delete w.objects[id]);
    const text = JSON.parse(readFileSync(h.statePath, "utf8"));
    writeFileSync(h.statePath, JSON.stringify(text));
    const { outcome, store: after } = await h.apply(stackOf([]), types);
    expect(outcome.plan.recovered[0]).toMatch(/the object is gone; removed from the state/);
    expect(after.current.resources).toEqual([]);
    expect(after.current.pending).toEqual([]);
  });
});
