// The Kubernetes clusters a sandbox world hosts: what is recorded of each, and what callers ask
// for. A cluster is one emulated API server (src/sandbox/kube/) whose port, PKI and objects live
// under the world directory, so it comes back on the same address whenever the world is held again.

/** "kind": made by the emulated `kind`; "workload": made by the simulated CAPH for a workload cluster. */
export type ClusterKind = "kind" | "workload";

export interface ClusterNode {
  name: string;
  role: "control-plane" | "worker";
}

/** What the world keeps of a cluster (`kube/<name>/cluster.json`). */
export interface ClusterRecord {
  name: string;
  kind: ClusterKind;
  /** The API server's version, e.g. v1.33.1 (kind: its node image's tag). */
  serverVersion: string;
  /** kind: the node image it was created from, e.g. kindest/node:v1.33.1. */
  image?: string;
  /** The loopback port it is served on, fixed at creation so kubeconfigs keep working. */
  port: number;
  nodes: ClusterNode[];
  createdAt: string;
}

/** A cluster as served right now. */
export interface ClusterInfo extends ClusterRecord {
  /** https://127.0.0.1:PORT */
  server: string;
}

export interface CreateClusterRequest {
  name: string;
  kind: ClusterKind;
  serverVersion: string;
  image?: string;
  /** Default: one control-plane node, `NAME-control-plane`. */
  nodes?: ClusterNode[];
}

/** kind's cluster names (pkg/internal/apis/config/validate.go). */
export const CLUSTER_NAME_RE = /^[a-z0-9.-]+$/;
/** A Kubernetes version as node images are tagged: v1.33.1. */
export const SERVER_VERSION_RE = /^v\d+\.\d+\.\d+$/;

/** Thrown by create when the name is taken (the control endpoint answers 409). */
export class ClusterExistsError extends Error {
  override readonly name = "ClusterExistsError";
  constructor(readonly cluster: string) {
    super(`a cluster named "${cluster}" already exists`);
  }
}

/** kind's default node set: one control plane, then NAME-worker, NAME-worker2, ... */
export function kindNodes(name: string, workers = 0): ClusterNode[] {
  const nodes: ClusterNode[] = [{ name: `${name}-control-plane`, role: "control-plane" }];
  for (let i = 1; i <= workers; i++) nodes.push({ name: `${name}-worker${i === 1 ? "" : i}`, role: "worker" });
  return nodes;
}
