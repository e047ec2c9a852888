// Simulated CAPH (infrastructure-hetzner v1.0.7, contract v1beta1): the HetznerCluster and
// HCloudMachine controllers, acting on the world's Hetzner emulator over its HTTP API.
import type { SimProvider } from "../types.js";
import { hetznerClusterController } from "./cluster.js";
import { hcloudMachineController } from "./machine.js";

export const caphProvider: SimProvider = {
  name: "infrastructure-hetzner",
  namespace: "caph-system",
  deployment: "caph-controller-manager",
  controllers: (ctx) => [hetznerClusterController(ctx), hcloudMachineController(ctx)],
};
