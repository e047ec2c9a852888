// The simulated providers, in the order clusterctl init installs them.
import { caaphProvider } from "./caaph/index.js";
import { caphProvider } from "./caph/index.js";
import { coreProvider } from "./core/index.js";
import { cabptProvider, cacpptProvider } from "./talos/index.js";
import type { SimProvider } from "./types.js";

export const SIM_PROVIDERS: readonly SimProvider[] = [coreProvider, cabptProvider, cacpptProvider, caphProvider, caaphProvider];
