import { defineStack } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// fake.old (which depended on fake.keep) left the config: it is deleted, fake.keep stays.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [{ address: "fake.keep", type: "fake", inputs: {} }],
});
