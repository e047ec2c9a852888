// The simulated CAAPH (addon-helm v0.4): HelmChartProxies become HelmReleaseProxies per matching
// Cluster, whose charts are installed into the workload cluster (charts.ts says what each one puts
// there), and, as the effect of the Hetzner CCM chart, the nodes' initialisation (ccm.ts).
import type { SimProvider } from "../types.js";
import { ccmController } from "./ccm.js";
import { chartProxyController, releaseProxyController } from "./proxies.js";

export const caaphProvider: SimProvider = {
  name: "addon-helm",
  namespace: "caaph-system",
  deployment: "caaph-controller-manager",
  controllers: (ctx) => [chartProxyController(ctx), releaseProxyController(ctx), ccmController(ctx)],
};
