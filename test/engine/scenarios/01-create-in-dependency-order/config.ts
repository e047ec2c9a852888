import { defineStack, ref } from "hkctl";
import { fakeType } from "../../../support/fake-type.js";
import { FakeWorld } from "../../../support/fake-world.js";

const world = new FakeWorld(process.env.HK_FAKE_WORLD as string);

// A network, a firewall and two servers: servers wait for the network and, explicitly, the firewall.
export default defineStack({
  name: "demo",
  types: [fakeType(world, { type: "fake" })],
  resources: [
    { address: "fake.server1", type: "fake", inputs: { value: ref("fake.network", "id") }, dependsOn: ["fake.firewall"] },
    { address: "fake.server2", type: "fake", inputs: { value: ref("fake.network", "id") }, dependsOn: ["fake.firewall"] },
    { address: "fake.network", type: "fake", inputs: { value: "10.0.0.0/16" } },
    { address: "fake.firewall", type: "fake", inputs: { value: ["6443", "50000"], token: "never-shown" } },
  ],
  outputs: { network: ref("fake.network", "id") },
});
