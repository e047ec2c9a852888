// A secret stays a secret when it travels: an input fed from another resource's sensitive output,
// and a stack output taken from one, are kept out of the state file, the plan, the pending
// records and the apply summary exactly like the type's own sensitive paths (Terraform's
// sensitivity propagation). The fake type's `secret` output is sensitive.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SENSITIVE } from "../../src/engine/plan-redact.js";
import { ref } from "../../src/engine/values.js";
import { fakeType } from "../support/fake-type.js";
import { actions, harness, stackOf } from "../support/engine-harness.js";

const stack = (note: string) =>
  stackOf(
    [
      { address: "fake.source", type: "fake", inputs: { value: "A" } },
      // `conn`, not `value`: the fake type echoes `value` into its outputs, and an echoed output is
      // the type's to declare sensitive (the engine cannot see where an output comes from).
      { address: "fake.user", type: "fake", inputs: { conn: { auth: ref("fake.source", "secret"), note }, plain: ref("fake.source", "id") } },
    ],
    { sourceSecret: ref("fake.source", "secret"), sourceId: ref("fake.source", "id"), both: { id: ref("fake.source", "id"), secret: ref("fake.source", "secret") } },
  );

describe("secrets passed by reference", () => {
  it("never stand in the state file, the plan or the apply summary in clear", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    const first = await h.apply(stack("one"), types);
    expect(first.result.ok).toBe(true);
    const sourceId = Object.entries(h.world.read().objects).find(([, o]) => o.owner === "fake.source")?.[0];
    const secret = `s3cret-${sourceId}`;
    // The remote object got the real value.
    const user = Object.values(h.world.read().objects).find((o) => o.owner === "fake.user");
    expect(user?.inputs.conn).toEqual({ auth: secret, note: "one" });

    const text = readFileSync(h.statePath, "utf8");
    expect(text).not.toContain(secret);
    const saved = JSON.parse(text);
    const userRecord = saved.resources.find((r: { address: string }) => r.address === "fake.user");
    expect(userRecord.inputs.conn.auth).toEqual({ $secret: true });
    expect(userRecord.secretInputs).toEqual(["conn.auth"]);
    expect(userRecord.inputs.plain).toBe(sourceId);
    expect(saved.outputs).toEqual({ sourceSecret: { $secret: true }, sourceId, both: { $secret: true } });
    expect(readFileSync(h.statePath.replace(/\.json$/, ".secrets.json"), "utf8")).toContain(secret);

    const done = h.events.find((e) => e.type === "apply-done");
    expect(done?.type === "apply-done" && done.outputs).toEqual({ sourceSecret: SENSITIVE, sourceId, both: SENSITIVE });

    // Loaded back, the values are whole again: nothing to change.
    expect(actions(await h.plan(stack("one"), types))).toEqual([]);

    // A later update shows the secret as (sensitive) on both sides, never its value.
    h.events.length = 0;
    const second = await h.plan(stack("two"), types);
    expect(actions(second)).toEqual(["update fake.user"]);
    expect(JSON.stringify(second.plan)).not.toContain(secret);
    const entry = second.plan.entries.find((e) => e.address === "fake.user");
    expect(entry?.after).toMatchObject({ conn: { auth: SENSITIVE, note: "two" } });
    expect(entry?.before).toMatchObject({ conn: { auth: SENSITIVE, note: "one" } });
    const applied = await h.apply(stack("two"), types);
    expect(applied.result.ok).toBe(true);
    expect(readFileSync(h.statePath, "utf8")).not.toContain(secret);
    expect(JSON.stringify(h.events)).not.toContain(secret);
  });

  it("keeps a removed resource's secret inputs sealed until it is destroyed", async () => {
    const h = harness();
    const types = [fakeType(h.world, { type: "fake" })];
    await h.apply(stack("one"), types);
    const secret = `s3cret-${Object.entries(h.world.read().objects).find(([, o]) => o.owner === "fake.source")?.[0]}`;
    // fake.user leaves the config; fake.source stays, so its secret is still live.
    const only = stackOf([{ address: "fake.source", type: "fake", inputs: { value: "A" } }]);
    const plan = await h.plan(only, types);
    expect(actions(plan)).toEqual(["delete fake.user"]);
    expect(JSON.stringify(plan.plan)).not.toContain(secret);
    // Rewrite the state with fake.user still in it: a targeted change to fake.source leaves it alone.
    const serial = JSON.parse(readFileSync(h.statePath, "utf8")).serial;
    const changed = stackOf([{ address: "fake.source", type: "fake", inputs: { value: "B" } }]);
    expect((await h.apply(changed, types, { targets: ["fake.source"] })).result.ok).toBe(true);
    const text = readFileSync(h.statePath, "utf8");
    expect(JSON.parse(text).serial).toBeGreaterThan(serial);
    expect(text).toContain('"fake.user"');
    expect(text).not.toContain(secret);
  });
});
