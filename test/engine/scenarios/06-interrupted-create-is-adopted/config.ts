import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// A crashed run recorded a pending create of fake.a; the object exists (fake-9): adopted, not made twice.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [{ address: "fake.a", type: "fake", inputs: { value: 1 } }, { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "id") } }],
});
