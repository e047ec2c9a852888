import { defineStack } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// fake.data is protected and left the config: the plan is refused, nothing happens.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [],
});
