import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// destroy: the server goes before the network it uses; the temporary resource comes back to help.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" }), fakeType(world, { type: "tmp" })],
  resources: [
    { address: "tmp.bootstrap", type: "tmp", inputs: {}, lifecycle: { temporary: true } },
    { address: "fake.network", type: "fake", inputs: {} },
    { address: "fake.server", type: "fake", inputs: { value: ref("fake.network", "id"), token: ref("tmp.bootstrap", "secret") } },
  ],
});
