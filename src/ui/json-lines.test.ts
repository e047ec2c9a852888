import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { EventBus, type EngineEvent } from "../engine/events.js";
import { samplePlan } from "../../test/ui/sample-plan.js";
import { failingApply } from "../../test/ui/apply-events.js";
import { jsonListener } from "./json-lines.js";

describe("jsonListener", () => {
  it("writes one parseable object per event, type and time first, the plan whole", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    const bus = new EventBus();
    let t = Date.parse("2025-01-01T00:00:00.000Z");
    bus.on(jsonListener(out, () => new Date(t++)));
    const events: EngineEvent[] = [{ type: "plan", plan: samplePlan() }, ...failingApply.start, ...failingApply.end];
    for (const e of events) bus.emit(e);

    const lines = text.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(events.length);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(parsed[0] ?? {}).slice(0, 2)).toEqual(["type", "time"]);
    expect(parsed[0]).toEqual({ type: "plan", time: "2025-01-01T00:00:00.000Z", plan: JSON.parse(JSON.stringify(samplePlan())) });
    expect(parsed.map((p) => p["type"])).toEqual(events.map((e) => e.type));
    expect(parsed[1]?.["time"]).toBe("2025-01-01T00:00:00.001Z");
    expect(parsed.find((p) => p["type"] === "step-failed")).toMatchObject({ address: "hcloud_server.cp-1", operation: "create", durationMs: 23_000, left: "server 99 (tainted: replaced on the next apply)" });
  });

  it("keeps unknown markers and the redacted marker as they are", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    jsonListener(out)({ type: "plan", plan: samplePlan() });
    const plan = (JSON.parse(text) as { plan: ReturnType<typeof samplePlan> }).plan;
    const cp1 = plan.entries.find((e) => e.address === "hcloud_server.cp-1");
    expect(cp1?.after).toMatchObject({ network_id: { $unknown: "hcloud_network.cluster.id" }, user_data: "(sensitive)" });
  });
});
