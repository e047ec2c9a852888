import { describe, expect, it } from "vitest";
import { planLines } from "../../src/ui/plan-lines.js";
import { fakeType } from "../support/fake-type.js";
import { harness, stackOf } from "../support/engine-harness.js";

describe("a type's consequences in the plan", () => {
  it("are noted on creates, updates and deletes in the type's words, and shown under the entry", async () => {
    const h = harness();
    const base = fakeType(h.world, { type: "fake" });
    const seen: Array<[unknown, unknown]> = [];
    const fake = {
      ...base,
      consequences: (before: { value?: unknown } | undefined, after: { value?: unknown } | undefined) => {
        seen.push([before?.value, after?.value]);
        if (after === undefined) return [`${String(before?.value)} servers deleted`];
        return [`${Number(after.value) - Number(before?.value ?? 0)} servers added`];
      },
    };
    const stack = (value: number) => stackOf([{ address: "fake.x", type: "fake", inputs: { value } }]);
    const created = await h.apply(stack(3), [fake]);
    expect(created.outcome.plan.entries[0]?.notes).toEqual(["3 servers added"]);
    const more = await h.plan(stack(5), [fake]);
    expect(more.plan.entries.find((e) => e.address === "fake.x")?.notes).toEqual(["2 servers added"]);
    expect(planLines(more.plan).map((l) => l.map((s) => (typeof s === "string" ? s : s.text)).join(""))).toContain("      → 2 servers added");
    const gone = await h.plan(stack(3), [fake], { mode: "destroy" });
    expect(gone.plan.entries.find((e) => e.address === "fake.x")?.notes).toEqual(["3 servers deleted"]);
    expect(seen).toContainEqual([3, 5]);
  });
});

describe("the cost of an update", () => {
  it("is the difference between what the object costs before and after, one line; no line when it does not change", async () => {
    const h = harness();
    const fake = { ...fakeType(h.world, { type: "fake" }), cost: async (i: { value?: unknown }) => ({ monthly: Number(i.value) * 10.5, currency: "EUR", what: `${String(i.value)} × cx33` }) };
    const stack = (value: number, note = "") => stackOf([{ address: "fake.x", type: "fake", inputs: { value, note } }]);
    await h.apply(stack(3), [fake]);
    const more = await h.plan(stack(5), [fake]);
    expect(more.plan.costs).toEqual([{ monthly: 21, currency: "EUR", what: "5 × cx33 (was 3 × cx33)", subject: "fake.x", sign: 1 }]);
    const fewer = await h.plan(stack(2), [fake]);
    expect(fewer.plan.costs).toEqual([{ monthly: 10.5, currency: "EUR", what: "2 × cx33 (was 3 × cx33)", subject: "fake.x", sign: -1 }]);
    expect((await h.plan(stack(3, "renamed"), [fake])).plan.costs).toEqual([]);
  });
});
