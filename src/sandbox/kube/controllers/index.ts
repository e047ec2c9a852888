// PLACEHOLDER: the controllers helper replaces this file (the built-in controllers of one cluster).
import type { ClusterApi } from "../types.js";

/** Starts the simulated kube-controller-manager of one cluster; returns stop. */
export function startBuiltinControllers(api: ClusterApi): () => void {
  void api;
  return () => undefined;
}
