// The destroy sweep leaves out what a deleted object takes with it (deletesWith): the servers a
// cluster's controllers made go with the cluster, so the plan lists and prices them once, under
// the cluster; when the type says it will not take them (a broken cluster), the sweep lists them.
import { describe, expect, it } from "vitest";
import type { Discovered } from "../../src/engine/resource.js";
import { fakeType } from "../support/fake-type.js";
import { harness, stackOf } from "../support/engine-harness.js";

const found: Discovered[] = [
  { id: "s-1", name: "cp-1", inputs: { madeBy: "c1" }, outputs: {} },
  { id: "s-2", name: "stray", inputs: { madeBy: "someone" }, outputs: {} },
];

function types(h: ReturnType<typeof harness>) {
  const cluster = fakeType(h.world, {
    type: "cluster",
    deletesWith: (current, f) => current.inputs.value !== "broken" && f.type === "srv" && f.inputs.madeBy === "c1",
    cost: async (inputs) => (inputs.value === "broken" ? undefined : { monthly: 10, currency: "EUR", what: "the cluster's servers" }),
  });
  const srv = fakeType(h.world, {
    type: "srv",
    discover: async () => found,
    cost: async () => ({ monthly: 3, currency: "EUR", what: "one server" }),
  });
  return [cluster, srv];
}

describe("destroy sweep and what a deleted object takes with it", () => {
  it.each([
    ["a working cluster takes its servers: only the stray is a leftover", "c1", ["cluster.a", "srv.stray"], 13],
    ["a broken one takes nothing: the sweep lists and prices its servers", "broken", ["cluster.a", "srv.cp-1", "srv.stray"], 6],
  ])("%s", async (_name, value, addresses, saved) => {
    const h = harness();
    const stack = stackOf([{ address: "cluster.a", type: "cluster", inputs: { value } }]);
    const up = await h.apply(stack, types(h));
    expect(up.result.ok).toBe(true);
    const { plan } = await h.plan(stack, types(h), { mode: "destroy" });
    expect(plan.entries.map((e) => e.address).sort()).toEqual(addresses);
    expect(plan.costs.reduce((n, c) => n + c.sign * c.monthly, 0)).toBe(-saved);
  });

  it("only an object being deleted takes anything: a targeted destroy sweeps nothing", async () => {
    const h = harness();
    const stack = stackOf([
      { address: "cluster.a", type: "cluster", inputs: { value: "c1" } },
      { address: "cluster.b", type: "cluster", inputs: { value: "other" } },
    ]);
    expect((await h.apply(stack, types(h))).result.ok).toBe(true);
    const { plan } = await h.plan(stack, types(h), { mode: "destroy", targets: ["cluster.b"] });
    expect(plan.entries.map((e) => e.address)).toEqual(["cluster.b"]);
  });
});
