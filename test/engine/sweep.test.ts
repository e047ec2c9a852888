// The destroy sweep: leftovers a type discovers are deleted after everything in the state, in
// the order the objects themselves need (only what an object is tied to goes first), and the
// ones a type says to keep are listed as kept, never deleted.
import { describe, expect, it } from "vitest";
import { startApply } from "../../src/engine/apply.js";
import { buildPlan } from "../../src/engine/plan-build.js";
import { registry, type Discovered } from "../../src/engine/resource.js";
import { formatPlan } from "../../src/ui/render-plan.js";
import { EventBus, type EngineEvent } from "../../src/engine/events.js";
import { summaryLines } from "../../src/ui/apply-lines.js";
import { lineText } from "../../src/ui/styled-lines.js";
import { fakeType } from "../support/fake-type.js";
import { harness, stackOf } from "../support/engine-harness.js";

describe("destroy sweep", () => {
  it("keeps what a type says to keep, and orders leftovers per object", async () => {
    const h = harness();
    h.world.mutate((w) => {
      for (const [id, type] of [["s-1", "srv"], ["s-2", "srv"], ["v-1", "vol"], ["v-2", "vol"], ["v-3", "vol"]] as const) w.objects[id] = { type, owner: "CAPH", inputs: {} };
    });
    const found: Record<string, Discovered[]> = {
      srv: [
        { id: "s-1", name: "prot", inputs: {}, outputs: {}, keep: "delete protection is on; run `hcloud server disable-protection prot delete`" },
        { id: "s-2", name: "cp-1", inputs: {}, outputs: {} },
      ],
      vol: [
        // Attached to the kept server: kept too (the type says so).
        { id: "v-1", name: "data-prot", inputs: {}, outputs: {}, keep: "attached to server prot, which is kept" },
        // Attached to cp-1: after it. Free: no wait at all, even though vol's type waits for srv.
        { id: "v-2", name: "data-cp", inputs: {}, outputs: {}, after: [{ type: "srv", id: "s-2" }] },
        { id: "v-3", name: "free", inputs: {}, outputs: {}, after: [] },
      ],
    };
    const order: string[] = [];
    // cp-1's delete ends only once the free volume is gone: a volume that waited for the server
    // would never come, and the wait says so instead of hanging.
    let freeGone = (): void => undefined;
    const freeDeleted = new Promise<void>((resolve) => (freeGone = resolve));
    const types = ["srv", "vol"].map((t) =>
      fakeType(h.world, {
        type: t,
        ...(t === "vol" ? { deleteAfter: ["srv"] } : {}),
        async discover() {
          return found[t] ?? [];
        },
        async delete(_ctx, current) {
          if (current.id === "s-2") {
            const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the free volume v-3 was not deleted while server s-2's delete ran: it waited for the server")), 20_000).unref());
            await Promise.race([freeDeleted, stuck]);
          }
          order.push(current.id);
          h.world.mutate((w) => delete w.objects[current.id]);
          if (current.id === "v-3") freeGone();
        },
      }),
    );
    const store = await h.open(types);
    const bus = new EventBus();
    const events: EngineEvent[] = [];
    bus.on((e) => events.push(e));
    const outcome = await buildPlan({ mode: "destroy", stack: stackOf([]), registry: registry(types), state: store.current, targets: [], replace: [], refresh: true, parallelism: 10, bus, signal: new AbortController().signal });
    expect(outcome.plan.entries.map((e) => e.address).sort()).toEqual(["srv.cp-1", "vol.data-cp", "vol.free"]);
    expect(outcome.plan.kept).toEqual([
      { address: "srv.prot", type: "srv", id: "s-1", reason: "delete protection is on; run `hcloud server disable-protection prot delete`" },
      { address: "vol.data-prot", type: "vol", id: "v-1", reason: "attached to server prot, which is kept" },
    ]);
    expect(outcome.plan.entries.find((e) => e.address === "vol.data-cp")?.deleteAfter).toEqual(["srv.cp-1"]);
    const text = formatPlan(outcome.plan, { color: false });
    expect(text).toContain("Kept, not deleted (2):\n  = srv.prot [id=s-1]\n      delete protection is on; run `hcloud server disable-protection prot delete`");
    expect(text).toContain("Plan: 0 to add, 0 to change, 3 to destroy.");
    const run = startApply({ ...outcome, stack: stackOf([]), registry: registry(types), store, bus, parallelism: 10, signal: new AbortController().signal });
    const result = await run.result;
    expect(result.failed).toEqual([]);
    expect(result.ok).toBe(true);
    const done = events.find((e) => e.type === "apply-done");
    expect(done && summaryLines(done as Extract<EngineEvent, { type: "apply-done" }>).map(lineText).filter(Boolean)).toEqual(["Destroy complete! Resources: 3 destroyed, 2 kept (see the plan)."]);
    expect(order.indexOf("v-3")).toBeLessThan(order.indexOf("s-2"));
    expect(order.indexOf("s-2")).toBeLessThan(order.indexOf("v-2"));
    expect(Object.keys(h.world.read().objects).sort()).toEqual(["s-1", "v-1"]);
  });

  it("prices what the config has others create only when an apply builds from nothing, never in a destroy", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = { ...stackOf([{ address: "fake.a", type: "fake", inputs: {} }]), indirectCosts: async () => [{ monthly: 19.6, currency: "EUR", what: "3 × cx33", by: "CAPH" }] };
    expect((await h.plan(stack, types)).plan.costs.map((c) => [c.subject, c.sign])).toEqual([["CAPH", 1]]);
    expect((await h.plan(stack, types, { mode: "destroy" })).plan.costs).toEqual([]);
  });
});
