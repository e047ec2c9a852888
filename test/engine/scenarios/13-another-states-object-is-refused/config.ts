import { defineStack } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// This state records nothing, but fake-9 carries another state's owner mark: the plan refuses
// to adopt it (and to make a second one), naming both lineages and --adopt.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [{ address: "fake.a", type: "fake", inputs: { value: 1 } }],
});
