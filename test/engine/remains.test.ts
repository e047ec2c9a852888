// What a destroy says at its end: the objects every discovering type still finds for the stack
// (kept ones with their reason), or that nothing is left.
import { describe, expect, it } from "vitest";
import { EventBus } from "../../src/engine/events.js";
import { remainingFor, remainsLines } from "../../src/engine/remains.js";
import { registry, type Discovered } from "../../src/engine/resource.js";
import { fakeType } from "../support/fake-type.js";
import { harness } from "../support/engine-harness.js";

describe("what is left after a destroy", () => {
  it("lists what the types still find for the stack, kept ones with their reason, and says plainly when nothing is", async () => {
    const h = harness();
    const found: Record<string, Discovered[]> = {
      srv: [{ id: "s-1", name: "prot", inputs: {}, outputs: {}, keep: "delete protection is on" }],
      vol: [{ id: "v-1", name: "data", inputs: {}, outputs: {} }],
    };
    const asked: string[] = [];
    const types = registry(
      ["srv", "vol", "plain"].map((t) =>
        fakeType(h.world, {
          type: t,
          ...(t === "plain"
            ? {}
            : {
                async discover(_ctx, stack) {
                  asked.push(`${t} ${stack}`);
                  return found[t] ?? [];
                },
              }),
        }),
      ),
    );
    const left = await remainingFor(types, "k8s", new EventBus(), new AbortController().signal);
    expect(asked).toEqual(["srv k8s", "vol k8s"]);
    expect(remainsLines("k8s", left)).toEqual(["Left behind (2), still labelled for k8s:", "  srv.prot [id=s-1]: delete protection is on", "  vol.data [id=v-1]"]);
    found.srv = [];
    found.vol = [];
    expect(remainsLines("k8s", await remainingFor(types, "k8s", new EventBus(), new AbortController().signal))).toEqual(["Nothing is left: no object labelled for k8s remains."]);
  });
});
