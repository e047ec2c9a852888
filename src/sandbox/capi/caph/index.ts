// Simulated CAPH (infrastructure-hetzner). Being built (issue 8): controllers to come.
import type { SimProvider } from "../types.js";

export const caphProvider: SimProvider = { name: "infrastructure-hetzner", namespace: "caph-system", deployment: "caph-controller-manager", controllers: () => [] };
