import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ref } from "../../src/engine/values.js";
import { fakeType } from "../support/fake-type.js";
import { actions, harness, stackOf } from "../support/engine-harness.js";

describe("graph features", () => {
  it("names the cycle", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([
      { address: "fake.a", type: "fake", inputs: { value: ref("fake.c", "id") } },
      { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "id") } },
      { address: "fake.c", type: "fake", inputs: {}, dependsOn: ["fake.b"] },
    ]);
    await expect(h.plan(stack, types)).rejects.toThrow("the resource graph has a dependency cycle: fake.a → fake.b → fake.c → fake.a");
  });

  it("names unknown references, types and duplicate addresses", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    await expect(h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: { value: ref("fake.zz", "id") } }]), types)).rejects.toThrow(
      "fake.a depends on fake.zz, which the config does not declare",
    );
    await expect(h.plan(stackOf([{ address: "nope.a", type: "nope", inputs: {} }]), types)).rejects.toThrow("nope.a: unknown resource type nope");
    await expect(
      h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: {} }, { address: "fake.a", type: "fake", inputs: {} }]), types),
    ).rejects.toThrow("fake.a: declared twice");
    await expect(h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: {} }], { x: ref("fake.q", "id") }), types)).rejects.toThrow(
      "outputs.x: refers to fake.q, which the config does not declare",
    );
    // A type with a closed outputs schema: a reference to an output it lacks is named before anything runs.
    const closed = [{ ...fakeType(h.world, { type: "fake" }), outputs: z.object({ id: z.string(), secret: z.string().optional() }) as never }];
    await expect(
      h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: {} }, { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "idd") } }], { y: ref("fake.a", "nope.x") }), closed),
    ).rejects.toThrow("fake.b: refers to fake.a.idd, but fake.a has no output idd (it has id, secret)\noutputs.y: refers to fake.a.nope.x, but fake.a has no output nope (it has id, secret)");
  });

  it("reports invalid inputs with the address and path", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    await expect(h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: { delayMs: "soon" } }]), types)).rejects.toThrow(/fake\.a: delayMs: /);
  });

  it("protect refuses delete and replace; ignoreChanges hides a path", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake", replaceOn: ["kind"] })];
    await h.apply(stackOf([{ address: "fake.p", type: "fake", inputs: { kind: "x", note: "a" }, lifecycle: { protect: true } }]), types);
    await expect(h.plan(stackOf([{ address: "fake.p", type: "fake", inputs: { kind: "y", note: "a" }, lifecycle: { protect: true } }]), types)).rejects.toThrow(
      "fake.p is protected (lifecycle.protect) and this apply would replace it (forces replacement: kind)",
    );
    await expect(h.plan(stackOf([]), types)).rejects.toThrow(/fake\.p is protected .* would delete it \(removed from config\)/);
    await expect(h.plan(stackOf([{ address: "fake.p", type: "fake", inputs: { kind: "x", note: "a" }, lifecycle: { protect: true } }]), types, { mode: "destroy" })).rejects.toThrow(
      /fake\.p is protected .* this destroy would delete it/,
    );
    const ignored = await h.plan(stackOf([{ address: "fake.p", type: "fake", inputs: { kind: "x", note: "b" }, lifecycle: { protect: true, ignoreChanges: ["note"] } }]), types);
    expect(actions(ignored)).toEqual([]);
  });

  it("--target plans a resource and what it depends on, nothing else", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([
      { address: "fake.base", type: "fake", inputs: {} },
      { address: "fake.mid", type: "fake", inputs: { value: ref("fake.base", "id") } },
      { address: "fake.top", type: "fake", inputs: { value: ref("fake.mid", "id") } },
      { address: "fake.other", type: "fake", inputs: {} },
    ]);
    expect(actions(await h.plan(stack, types, { targets: ["fake.mid"] }))).toEqual(["create fake.base", "create fake.mid"]);
    await expect(h.plan(stack, types, { targets: ["fake.nope"] })).rejects.toThrow("--target fake.nope: no such resource in the config");
  });

  it("--replace plans a replacement of an unchanged resource, in its type's order", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake", createBeforeDestroy: true })];
    const stack = stackOf([{ address: "fake.a", type: "fake", inputs: { value: 1 } }]);
    await h.apply(stack, types);
    const plan = await h.plan(stack, types, { replace: ["fake.a"] });
    expect(plan.plan.entries[0]).toMatchObject({ action: "replace", reason: "requested with --replace", replaceOrder: "create-before-destroy" });
    await expect(h.plan(stack, types, { replace: ["fake.zz"] })).rejects.toThrow("--replace fake.zz: no such resource in the config");
  });

  it("shows drift separately and plans the fix", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([
      { address: "fake.a", type: "fake", inputs: { value: "v1" } },
      { address: "fake.b", type: "fake", inputs: { value: "v1" } },
    ]);
    await h.apply(stack, types);
    h.world.mutate((w) => {
      const [a, b] = Object.keys(w.objects);
      (w.objects[a as string] as { inputs: Record<string, unknown> }).inputs.value = "changed by hand";
      delete w.objects[b as string];
    });
    const plan = await h.plan(stack, types);
    expect(plan.plan.drift).toEqual([
      { address: "fake.a", kind: "changed", changes: [{ path: "value", before: "v1", after: "changed by hand", forcesReplacement: false }] },
      { address: "fake.b", kind: "deleted", changes: [] },
    ]);
    expect(actions(plan)).toEqual(["create fake.b", "update fake.a"]);
    const noRefresh = await h.plan(stack, types, { refresh: false });
    expect(noRefresh.plan.drift).toEqual([]);
    expect(actions(noRefresh)).toEqual([]);
  });

  it("destroy deletes in reverse dependency order", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([
      { address: "fake.a", type: "fake", inputs: {} },
      { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "id") } },
      { address: "fake.c", type: "fake", inputs: { value: ref("fake.b", "id") } },
    ]);
    await h.apply(stack, types);
    const ids = Object.fromEntries(Object.entries(h.world.read().objects).map(([id, o]) => [o.owner, id]));
    h.world.mutate((w) => (w.log = []));
    const { result, store } = await h.apply(stackOf([]), types, { mode: "destroy" });
    expect(result.ok).toBe(true);
    expect(h.world.read().log.filter((l) => l.startsWith("delete"))).toEqual([`delete ${ids["fake.c"]}`, `delete ${ids["fake.b"]}`, `delete ${ids["fake.a"]}`]);
    expect(store.current.resources).toEqual([]);
  });

  it("runs independent branches in parallel within --parallelism", async () => {
    const h = harness();
    // Each create waits until three are running (or all six have started), so the steps overlap
    // whatever the machine's speed: fewer at a time would never get going, and says so.
    const base = fakeType(h.world, { type: "fake" });
    let started = 0;
    let waiting: Array<() => void> = [];
    const gated: typeof base = {
      ...base,
      async create(ctx, inputs, owner) {
        started++;
        const go = new Promise<void>((resolve) => waiting.push(resolve));
        if (waiting.length === 3 || started === 6) {
          for (const w of waiting) w();
          waiting = [];
        }
        const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${waiting.length} create(s) running after 20 s, expected 3`)), 20_000).unref());
        await Promise.race([go, stuck]);
        return base.create(ctx, inputs, owner);
      },
    };
    const stack = stackOf(Array.from({ length: 6 }, (_, i) => ({ address: `fake.r${i}`, type: "fake", inputs: {} })));
    const { result } = await h.apply(stack, [gated], { parallelism: 3 });
    expect(result.failed).toEqual([]);
    let running = 0;
    let peak = 0;
    for (const e of h.events) {
      if (e.type === "step-start") peak = Math.max(peak, ++running);
      if (e.type === "step-done") running--;
    }
    expect(peak).toBe(3);
  });
});
