import { defineStack } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// A failed create left fake.a behind (tainted): it is replaced.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [{ address: "fake.a", type: "fake", inputs: { value: 1 } }],
});
