// Simulated CABPT (bootstrap-talos v0.6) and CACPPT (control-plane-talos v0.5). The Talos node
// boot runs with CABPT: it acts for every Machine with bootstrap data, workers included.
import type { SimProvider } from "../types.js";
import { talosBootController } from "./boot.js";
import { talosControlPlaneController } from "./controlplane.js";
import { talosConfigController } from "./talosconfig.js";

export const cabptProvider: SimProvider = {
  name: "bootstrap-talos",
  namespace: "cabpt-system",
  deployment: "cabpt-controller-manager",
  controllers: (ctx) => [talosConfigController(ctx), talosBootController(ctx)],
};
export const cacpptProvider: SimProvider = {
  name: "control-plane-talos",
  namespace: "cacppt-system",
  deployment: "cacppt-controller-manager",
  controllers: (ctx) => [talosControlPlaneController(ctx)],
};
