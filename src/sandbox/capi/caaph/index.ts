// Simulated CAAPH (addon-helm). Being built (issue 8): controllers to come.
import type { SimProvider } from "../types.js";

export const caaphProvider: SimProvider = { name: "addon-helm", namespace: "caaph-system", deployment: "caaph-controller-manager", controllers: () => [] };
