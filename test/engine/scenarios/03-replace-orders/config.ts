import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// kind forces replacement: "cbd" makes the new object first, "dbc" deletes the old one first.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "cbd", replaceOn: ["kind"], createBeforeDestroy: true }), fakeType(world, { type: "dbc", replaceOn: ["kind"] })],
  resources: [
    { address: "cbd.image", type: "cbd", inputs: { kind: "v2" } },
    { address: "dbc.server", type: "dbc", inputs: { kind: "v2", value: ref("cbd.image", "id") } },
  ],
});
