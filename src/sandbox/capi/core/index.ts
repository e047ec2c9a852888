// Simulated CAPI core (cluster-api controller manager). Being built (issue 8): controllers to come.
import type { SimProvider } from "../types.js";

export const coreProvider: SimProvider = { name: "cluster-api", namespace: "capi-system", deployment: "capi-controller-manager", controllers: () => [] };
