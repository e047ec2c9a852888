import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// fake.broken fails: fake.needs-broken is skipped, fake.independent still gets made.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [
    { address: "fake.broken", type: "fake", inputs: { fail: "create" } },
    { address: "fake.needs-broken", type: "fake", inputs: { value: ref("fake.broken", "id") } },
    { address: "fake.independent", type: "fake", inputs: {} },
  ],
});
