import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// tmp.bootstrap exists only while fake.capi (which needs it) is created, then goes dormant.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "tmp" }), fakeType(world, { type: "fake" })],
  resources: [
    { address: "tmp.bootstrap", type: "tmp", inputs: { value: "kind" }, lifecycle: { temporary: true } },
    { address: "fake.capi", type: "fake", inputs: { value: ref("tmp.bootstrap", "secret") } },
    { address: "fake.other", type: "fake", inputs: {} },
  ],
});
