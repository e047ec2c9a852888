import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ref } from "../../src/engine/values.js";
import { fakeType } from "../support/fake-type.js";
import { actions, harness, stackOf } from "../support/engine-harness.js";

describe("plan and apply lifecycle", () => {
  it("creates in dependency order, then plans no changes", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const stack = stackOf([
      { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "id") } },
      { address: "fake.a", type: "fake", inputs: { value: "A" } },
    ]);
    const first = await h.apply(stack, types);
    expect(actions(first.outcome)).toEqual(["create fake.a", "create fake.b"]);
    const b = first.outcome.plan.entries.find((e) => e.address === "fake.b");
    expect(b?.after).toEqual({ value: { $unknown: "fake.a.id" }, delayMs: 0 });
    expect(first.result.ok).toBe(true);
    const log = h.world.read().log.filter((l) => l.startsWith("create"));
    expect(log[0]).toMatch(/^create fake\.a /);
    expect(log[1]).toMatch(/^create fake\.b /);
    const again = await h.plan(stack, types);
    expect(actions(again)).toEqual([]);
    expect(again.plan.summary).toEqual({ add: 0, change: 0, destroy: 0 });
  });

  it("updates in place, replaces on forcing attributes, deletes what left the config", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake", replaceOn: ["kind"] })];
    await h.apply(stackOf([
      { address: "fake.a", type: "fake", inputs: { value: 1, kind: "x" } },
      { address: "fake.b", type: "fake", inputs: { value: 1, kind: "x" } },
      { address: "fake.c", type: "fake", inputs: { value: 1 } },
    ]), types);
    const next = stackOf([
      { address: "fake.a", type: "fake", inputs: { value: 2, kind: "x" } },
      { address: "fake.b", type: "fake", inputs: { value: 1, kind: "y" } },
    ]);
    const plan = await h.plan(next, types);
    expect(actions(plan)).toEqual(["delete fake.c", "replace fake.b", "update fake.a"]);
    const b = plan.plan.entries.find((e) => e.address === "fake.b");
    expect(b?.reason).toBe("forces replacement: kind");
    expect(b?.replaceOrder).toBe("destroy-before-create");
    expect(plan.plan.summary).toEqual({ add: 1, change: 1, destroy: 2 });
    const applied = await h.apply(next, types);
    expect(applied.result.ok).toBe(true);
    expect(Object.keys(h.world.read().objects)).toHaveLength(2);
    expect(actions(await h.plan(next, types))).toEqual([]);
  });

  it("records protect as the config says on every apply: added later it holds, lifted it lets go", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const db = (protect: boolean) => ({ address: "fake.db", type: "fake", inputs: { value: 1 }, ...(protect ? { lifecycle: { protect: true } } : {}) });
    await h.apply(stackOf([db(false)]), types);
    // Protection added with no other change, then the resource leaves the config: still protected.
    await h.apply(stackOf([db(true)]), types);
    await expect(h.plan(stackOf([]), types)).rejects.toThrow(/fake\.db is protected .*removed from config/);
    await expect(h.plan(stackOf([]), types)).rejects.toMatchObject({ next: expect.stringContaining("declare it again without lifecycle.protect") });
    // Lifted in the config: destroy goes ahead, even before another apply records it.
    await expect(h.plan(stackOf([db(false)]), types, { mode: "destroy" })).resolves.toBeDefined();
    await h.apply(stackOf([db(false)]), types);
    expect(actions(await h.plan(stackOf([]), types))).toEqual(["delete fake.db"]);
  });

  it("create-before-destroy makes the new object first and deletes the old one after", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake", replaceOn: ["kind"], createBeforeDestroy: true })];
    await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { kind: "x" } }]), types);
    const oldId = Object.keys(h.world.read().objects)[0];
    h.world.mutate((w) => (w.log = []));
    const { result } = await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { kind: "y" } }]), types);
    expect(result.ok).toBe(true);
    const log = h.world.read().log.filter((l) => !l.startsWith("read"));
    expect(log[0]).toMatch(/^create fake\.a /);
    expect(log[1]).toBe(`delete ${oldId}`);
  });

  it("writes the state 0600 with secrets only in the 0600 sidecar", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    await h.apply(stackOf([{ address: "fake.a", type: "fake", inputs: { token: "tok-very-secret" } }]), types);
    const text = readFileSync(h.statePath, "utf8");
    expect(text).not.toContain("tok-very-secret");
    expect(text).not.toContain("s3cret-");
    expect(text).toContain('"$secret": true');
    const sidecar = h.statePath.replace(/\.json$/, ".secrets.json");
    expect(readFileSync(sidecar, "utf8")).toContain("tok-very-secret");
    expect(statSync(h.statePath).mode & 0o777).toBe(0o600);
    expect(statSync(sidecar).mode & 0o777).toBe(0o600);
    // The secrets come back on load: nothing to change.
    expect(actions(await h.plan(stackOf([{ address: "fake.a", type: "fake", inputs: { token: "tok-very-secret" } }]), types))).toEqual([]);
  });
});
