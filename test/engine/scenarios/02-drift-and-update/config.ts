import { defineStack } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// fake.a was changed by hand outside hk (world says v-hand); the config also changes fake.b.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [
    { address: "fake.a", type: "fake", inputs: { value: "v1" } },
    { address: "fake.b", type: "fake", inputs: { value: "multi\nline\nnew\n" } },
  ],
});
