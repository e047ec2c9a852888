// The simulated CAPI core (cluster-api v1.10's controller manager): Clusters, MachineDeployments,
// MachineSets and Machines as the real one drives them for a Talos-on-Hetzner cluster. Not
// simulated: MachineHealthCheck remediation, ClusterClass, MachinePools.
import type { SimProvider } from "../types.js";
import { clusterController } from "./cluster.js";
import { machineController } from "./machine.js";
import { machineDeploymentController } from "./machinedeployment.js";
import { machineSetController } from "./machineset.js";

export const coreProvider: SimProvider = {
  name: "cluster-api",
  namespace: "capi-system",
  deployment: "capi-controller-manager",
  controllers: (ctx) => [clusterController(ctx), machineDeploymentController(ctx), machineSetController(ctx), machineController(ctx)],
};
