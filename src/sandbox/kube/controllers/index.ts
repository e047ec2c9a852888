// The simulated kube-controller-manager of one emulated cluster, plus the scheduler's binding, the
// kubelets' pod status, the apiserver's Service IP allocator and `kubernetes` Service, and a
// local-path provisioner. No containers run: Pods are Running and Ready, or Succeeded, a moment
// after they are made, so rollouts, `kubectl wait` and `helm --wait` finish as on a healthy
// cluster. Everything goes through the cluster's ClusterApi, like the real controllers through the
// API server; CronJobs are not run.
import type { ClusterApi } from "../types.js";
import { apiserverServiceController } from "./apiserver-service.js";
import { daemonSetController } from "./daemonset.js";
import { deploymentController } from "./deployment.js";
import { endpointsController } from "./endpoints.js";
import { jobController } from "./job.js";
import { kubeletController } from "./kubelet.js";
import { namespaceController } from "./namespaces.js";
import { replicaSetController } from "./replicaset.js";
import { runControllers } from "./runtime.js";
import { serviceIpController } from "./service-ips.js";
import { statefulSetController } from "./statefulset.js";
import { volumeController } from "./volumes.js";

export interface ControllerOptions {
  /** The cluster CA (PEM) published as `kube-root-ca.crt` in every namespace; without it, no ConfigMap. */
  caCertPem?: string;
}

/** Starts the simulated controllers of one cluster; returns stop. */
export function startBuiltinControllers(api: ClusterApi, options: ControllerOptions = {}): () => void {
  return runControllers(api, [
    namespaceController(api, options.caCertPem),
    apiserverServiceController(api),
    serviceIpController(api),
    kubeletController(api),
    replicaSetController(api),
    deploymentController(api),
    statefulSetController(api),
    daemonSetController(api),
    jobController(api),
    endpointsController(api),
    volumeController(api),
  ]);
}
