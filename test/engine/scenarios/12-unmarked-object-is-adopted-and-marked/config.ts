import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// No state yet; fake-9 was made for fake.a by hand or by an hk before owner marks: adopted as
// before, the plan says it has no owner mark, and the apply marks it as this state's.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [{ address: "fake.a", type: "fake", inputs: { value: 1 } }, { address: "fake.b", type: "fake", inputs: { value: ref("fake.a", "id") } }],
});
