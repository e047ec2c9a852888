// What a simulated Cluster API provider is given and gives: the world it acts on (clusters,
// Hetzner emulator, timing), the management cluster it runs in, and its controllers.
import type { WorldClusters } from "../clusters/host.js";
import type { ClusterApi } from "../kube/types.js";
import type { SandboxTiming } from "../timing.js";
import type { AsyncController } from "./runtime.js";

export interface WorldView {
  /** The world directory (state/sandbox/ for hk). */
  dir: string;
  /** The world's Kubernetes clusters: a workload cluster is made here by the Talos control plane provider. */
  clusters: WorldClusters;
  /** The Hetzner emulator's API endpoint, as HcloudClient.create({ endpoint }) takes it. */
  hcloudEndpoint: string;
  timing: SandboxTiming;
}

export interface ProviderContext extends WorldView {
  /** The world cluster the provider runs in: its management cluster (kind before the pivot, the workload cluster after). */
  cluster: string;
  api: ClusterApi;
  /** A line for the world's capi.log. */
  log(line: string): void;
}

export interface SimProvider {
  /** As clusterctl names it with its type, e.g. "infrastructure-hetzner". */
  name: string;
  /** The controller Deployment `clusterctl init` makes for it: the provider runs while it is available. */
  namespace: string;
  deployment: string;
  controllers(ctx: ProviderContext): AsyncController[];
}
