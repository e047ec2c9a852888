// Objects carry the mark of the state that owns them (its lineage): a plan never adopts another
// state's object unasked, adopts unmarked ones saying so, and crash recovery takes back its own.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Discovered } from "../../src/engine/resource.js";
import { fakeType } from "../support/fake-type.js";
import type { FakeWorld } from "../support/fake-world.js";
import { actions, harness, stackOf, tempDir } from "../support/engine-harness.js";

const stack = stackOf([{ address: "fake.a", type: "fake", inputs: { value: 1 } }]);

/** Two states (two folders) pointed at one world, as two checkouts at one Hetzner project. */
function twoStates() {
  const first = harness();
  const second = harness(tempDir());
  const types = [fakeType(first.world, { type: "fake" })];
  return { first, second, types, world: first.world };
}

/** Every object of the world, as a sweep (discover) or a stray search finds them: with their marks. */
const everything = (world: FakeWorld) => async (): Promise<Discovered[]> =>
  Object.entries(world.read().objects).map(([id, o]) => ({ id, name: id, inputs: o.inputs, outputs: {}, ...(o.lineage !== undefined ? { lineage: o.lineage } : {}) }));

describe("owner marks", () => {
  it("refuses to adopt an object another state made, naming both lineages and --adopt, writing nothing", async () => {
    const { first, second, types, world } = twoStates();
    const made = await first.apply(stack, types);
    const id = Object.keys(world.read().objects)[0];
    expect(world.read().objects[id ?? ""]?.lineage).toBe(made.store.lineage);
    const refused = second.plan(stack, types);
    const other = made.store.lineage.replace(/-/g, "\\-");
    await expect(refused).rejects.toThrow(new RegExp(`^fake\\.a: object ${id} is managed by another hk state \\(lineage ${other}\\); this state \\(lineage (?!${other})[\\w-]+\\) will not adopt it\\n`));
    await expect(refused).rejects.toMatchObject({ next: expect.stringContaining("plan again with --adopt fake.a") });
    expect(existsSync(second.statePath)).toBe(false);
  });

  it("takes another state's object over with --adopt, and marks it as its own", async () => {
    const { first, second, types, world } = twoStates();
    await first.apply(stack, types);
    const taken = await second.apply(stack, types, { adopt: ["fake.a"] });
    expect(actions(taken.outcome)).toEqual(["read fake.a"]);
    expect(taken.outcome.plan.entries[0]?.reason).toMatch(/owned by another hk state, lineage [\w-]+: taken over as asked with --adopt/);
    expect(Object.values(world.read().objects).map((o) => o.lineage)).toEqual([taken.store.lineage]);
    expect(world.read().log).toContainEqual(expect.stringMatching(/^mark fake-/));
    // --adopt names a resource of the config, like --target.
    await expect(second.plan(stackOf([]), types, { adopt: ["fake.a"] })).rejects.toThrow("--adopt fake.a: no such resource in the config");
  });

  it("adopts an object with no owner mark as before, says so, and marks it", async () => {
    const { first, second, types, world } = twoStates();
    await first.apply(stack, types);
    world.mutate((w) => {
      for (const o of Object.values(w.objects)) delete o.lineage;
    });
    const plan = await second.plan(stack, types);
    expect(plan.plan.entries[0]).toMatchObject({ action: "read", adopt: true });
    expect(plan.plan.entries[0]?.reason).toMatch(/ \(no owner mark: made by hand or by an older hk; apply marks it as this state's\)$/);
    const applied = await second.apply(stack, types);
    expect(Object.values(world.read().objects).map((o) => o.lineage)).toEqual([applied.store.lineage]);
  });

  it("crash recovery adopts what this state made, and not an object another state's mark is on", async () => {
    for (const whose of ["own", "other"] as const) {
      const h = harness();
      const types = [fakeType(h.world, { type: "fake" })];
      const store = await h.open(types);
      await store.commit(() => undefined);
      await store.beginPending({ address: "fake.a", type: "fake", operation: "create", inputs: { value: 1, delayMs: 0 } });
      await store.flush();
      h.world.mutate((w) => {
        w.objects["fake-9"] = { type: "fake", owner: "fake.a", lineage: whose === "own" ? store.lineage : "another-lineage", inputs: { value: 1, delayMs: 0 } };
      });
      if (whose === "own") {
        const plan = await h.plan(stack, types);
        expect(plan.plan.recovered[0]).toMatch(/found the object it made \(id fake-9\); adopted into the state/);
        expect(actions(plan)).toEqual([]);
      } else {
        await expect(h.plan(stack, types)).rejects.toThrow("fake.a: object fake-9 is managed by another hk state (lineage another-lineage)");
        const events = h.events.filter((e) => e.type === "refresh-resource");
        expect(events).toContainEqual({ type: "refresh-resource", address: "fake.a", result: "recovered" });
      }
    }
  });

  it("a destroy's sweep leaves what another state's mark is on, saying whose; unmarked leftovers go as before", async () => {
    const { first, second, world } = twoStates();
    const made = await first.apply(stack, [fakeType(world, { type: "fake" })]);
    const sweeping = [fakeType(world, { type: "fake", discover: everything(world) })];
    const plan = await second.plan(stack, sweeping, { mode: "destroy" });
    expect(actions(plan)).toEqual([]);
    expect(plan.plan.kept).toEqual([{ address: "fake.fake-1", type: "fake", id: "fake-1", reason: `managed by another hk state (lineage ${made.store.lineage}), so hk leaves it; destroy it from that state` }]);
    world.mutate((w) => {
      for (const o of Object.values(w.objects)) delete o.lineage;
    });
    expect(actions(await second.plan(stack, sweeping, { mode: "destroy" }))).toEqual(["delete fake.fake-1"]);
  });

  it("an apply leaves another state's strays (its run's own temporaries) to that state", async () => {
    const { first, second, world } = twoStates();
    await first.apply(stack, [fakeType(world, { type: "fake" })]);
    const withStrays = [fakeType(world, { type: "fake", strays: everything(world) })];
    // The first state's own stray is planned for deletion; the second leaves it alone.
    expect(actions(await first.plan(stack, withStrays))).toEqual(["delete fake.fake-1"]);
    expect(actions(await second.plan(stackOf([]), withStrays))).toEqual([]);
  });
});
