// The simulated CAPI core (cluster-api v1.10's controller manager): Clusters and Machines as the
// real one drives them for a Talos-on-Hetzner cluster. Not simulated: MachineDeployments and
// MachineSets (worker pools), MachineHealthCheck remediation, ClusterClass.
import type { SimProvider } from "../types.js";
import { clusterController } from "./cluster.js";
import { machineController } from "./machine.js";

export const coreProvider: SimProvider = {
  name: "cluster-api",
  namespace: "capi-system",
  deployment: "capi-controller-manager",
  controllers: (ctx) => [clusterController(ctx), machineController(ctx)],
};
