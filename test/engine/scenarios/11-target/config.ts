import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// --target fake.app: only fake.app and what it depends on.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [
    { address: "fake.db", type: "fake", inputs: {} },
    { address: "fake.app", type: "fake", inputs: { value: ref("fake.db", "id") } },
    { address: "fake.unrelated", type: "fake", inputs: {} },
  ],
});
