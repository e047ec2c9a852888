// Simulated CABPT and CACPPT. Being built (issue 8): controllers to come.
import type { SimProvider } from "../types.js";

export const cabptProvider: SimProvider = { name: "bootstrap-talos", namespace: "cabpt-system", deployment: "cabpt-controller-manager", controllers: () => [] };
export const cacpptProvider: SimProvider = { name: "control-plane-talos", namespace: "cacppt-system", deployment: "cacppt-controller-manager", controllers: () => [] };
