import { describe, expect, it } from "vitest";
import { CreateFailedError } from "../../src/engine/errors.js";
import { ref } from "../../src/engine/values.js";
import { fakeType } from "../support/fake-type.js";
import { actions, harness, stackOf } from "../support/engine-harness.js";

describe("failures", () => {
  it("a failure skips its dependents, lets independent branches finish and saves the state", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([
      { address: "fake.bad", type: "fake", inputs: { fail: "create" } },
      { address: "fake.child", type: "fake", inputs: { value: ref("fake.bad", "id") } },
      { address: "fake.grandchild", type: "fake", inputs: { value: ref("fake.child", "id") } },
      { address: "fake.other", type: "fake", inputs: { delayMs: 50 } },
    ]);
    const { result, store } = await h.apply(stack, types);
    expect(result.ok).toBe(false);
    expect(result.counts).toMatchObject({ added: 1, failed: 1, skipped: 2 });
    expect(result.failed[0]).toMatchObject({ address: "fake.bad", error: "create of fake.bad refused" });
    const skipped = h.events.filter((e) => e.type === "step-skipped").map((e) => (e.type === "step-skipped" ? `${e.address}: ${e.reason}` : ""));
    expect(skipped.sort()).toEqual(["fake.child: create fake.bad failed", "fake.grandchild: create fake.bad failed"]);
    expect(store.current.resources.map((r) => r.address)).toEqual(["fake.other"]);
    expect(store.current.pending).toEqual([]);
  });

  it("recognises a CreateFailedError from another copy of hk (a plugin's own import) by its brand", async () => {
    // What `import { CreateFailedError } from "hkctl"` gives a type loaded from elsewhere: same
    // shape and brand, different class.
    class ForeignCreateFailed extends Error {
      constructor(
        message: string,
        readonly left: { id: string; outputs: Record<string, unknown> },
      ) {
        super(message);
        (this as unknown as Record<symbol, unknown>)[Symbol.for("hkctl.error-kind")] = "CreateFailedError";
      }
    }
    const h = harness();
    const base = fakeType(h.world, { type: "fake" });
    const types = [
      fakeType(h.world, {
        type: "fake",
        async create(ctx, inputs, owner) {
          const made = await base.create(ctx, { ...inputs }, owner);
          throw new ForeignCreateFailed("half way", { id: made.id, outputs: made.outputs });
        },
      }),
    ];
    const { result, store } = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: {} }]), types);
    expect(result.ok).toBe(false);
    expect(store.current.resources).toMatchObject([{ address: "fake.a", status: "tainted" }]);
    expect(new ForeignCreateFailed("x", { id: "1", outputs: {} })).toBeInstanceOf(CreateFailedError);
    expect(new Error("x")).not.toBeInstanceOf(CreateFailedError);
  });

  it("a create-before-destroy whose create left something: the leftover is deleted next run, never forgotten", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake", replaceOn: ["kind"], createBeforeDestroy: true })];
    await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { kind: "x" } }]), types);
    const [first] = Object.keys(h.world.read().objects);
    const failed = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { kind: "y", fail: "create-leaving" } }]), types);
    expect(failed.result.ok).toBe(false);
    const left = Object.keys(h.world.read().objects).find((id) => id !== first);
    expect(failed.store.current.resources.map((r) => [r.id, r.status])).toEqual([
      [first, "created"],
      [left, "tainted"],
    ]);
    const next = await h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: { kind: "y" } }]), types);
    expect(actions(next)).toEqual(["delete fake.a (deposed)", "replace fake.a"]);
    expect(next.plan.entries.find((e) => e.deposed)).toMatchObject({ id: left, reason: "tainted: left by a failed create" });
    const done = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { kind: "y" } }]), types);
    expect(done.result.ok).toBe(true);
    const objects = Object.keys(h.world.read().objects);
    expect(objects).toHaveLength(1);
    expect(done.store.current.resources.map((r) => [r.id, r.status])).toEqual([[objects[0], "created"]]);
  });

  it("a create-before-destroy replacing a tainted object deletes it after the new one is made", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake", createBeforeDestroy: true })];
    await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { fail: "create-leaving" } }]), types);
    const done = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: {} }]), types);
    expect(done.result.ok).toBe(true);
    expect(Object.keys(h.world.read().objects)).toHaveLength(1);
    expect(done.store.current.resources.map((r) => r.status)).toEqual(["created"]);
  });

  it("a create that left something records it as tainted; the next plan replaces it", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const { result, store } = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { fail: "create-leaving" } }]), types);
    expect(result.ok).toBe(false);
    const leftId = Object.keys(h.world.read().objects)[0];
    expect(store.current.resources).toMatchObject([{ address: "fake.a", status: "tainted", id: leftId }]);
    const left = h.events.find((e) => e.type === "step-failed");
    expect(left).toMatchObject({ left: leftId });
    const next = await h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: {} }]), types);
    expect(actions(next)).toEqual(["replace fake.a"]);
    expect(next.plan.entries[0]?.reason).toBe("tainted: left by a failed create");
    await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: {} }]), types);
    const objects = h.world.read().objects;
    expect(Object.keys(objects)).toHaveLength(1);
    expect(objects[leftId as string]).toBeUndefined();
  });

  it("a create that fails without a trace leaves nothing in the state", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const { store } = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { fail: "create" } }]), types);
    expect(store.current.resources).toEqual([]);
    expect(h.world.read().objects).toEqual({});
  });

  it("stop() lets running steps finish and starts nothing new", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const { registry } = await import("../../src/engine/resource.js");
    const { startApply } = await import("../../src/engine/apply.js");
    const { EventBus } = await import("../../src/engine/events.js");
    const stack = stackOf([
      { address: "fake.a", type: "fake", inputs: { delayMs: 100 } },
      { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "id") } },
    ]);
    const store = await h.open(types);
    const outcome = await h.plan(stack, types);
    const bus = new EventBus();
    bus.on((e) => {
      if (e.type === "step-start") run.stop("interrupted");
    });
    const run = startApply({ ...outcome, stack, registry: registry(types), store, bus, parallelism: 10, signal: new AbortController().signal });
    const result = await run.result;
    expect(result.counts).toMatchObject({ added: 1, skipped: 1 });
    expect(store.current.resources.map((r) => r.address)).toEqual(["fake.a"]);
  });
});
