// Where a cluster's Cluster API objects are: its management cluster. Before the pivot that is the
// kind bootstrap cluster, after it the workload cluster itself (self-managed), and during a destroy
// kind again. hk never records the answer as truth: every run asks both kubeconfigs, the workload
// cluster's first, and uses the one holding the Cluster object, so a move made (or undone) by
// hand, or a run killed half way through one, is seen as it is.
import { existsSync } from "node:fs";
import { ExternalError } from "../../engine/errors.js";
import type { StepContext } from "../../engine/resource.js";
import { KubeClient, type KubeObject, type RetryPolicy } from "../../providers/kube/index.js";
import { CAPI } from "./manifests.js";

export type ManagementRole = "self" | "bootstrap";

export interface ManagementPaths {
  /** The workload cluster's kubeconfig (hk writes it once the control plane is initialized). */
  self: string;
  /** The kind bootstrap cluster's kubeconfig. */
  bootstrap: string;
}

export interface Located {
  role: ManagementRole;
  path: string;
  client: KubeClient;
  cluster: KubeObject;
}

export interface Search {
  found: Located | undefined;
  /** Kubeconfigs that exist but whose API server did not answer, with why: "path: message". */
  unreachable: string[];
}

/** Probes give up quickly: an unreachable cluster is an answer, not something to wait out. */
export const PROBE_RETRY: RetryPolicy = { attempts: 2, baseMs: 100, maxMs: 500 };

export const clusterRef = (name: string, namespace: string) => ({ apiVersion: CAPI, kind: "Cluster", name, namespace });

export function clientFor(path: string, retry?: RetryPolicy): KubeClient {
  return KubeClient.fromKubeconfig(path, undefined, retry ? { retry } : {});
}

/** Asks each kubeconfig that exists, the workload cluster's first, for the Cluster object. */
export async function locateCluster(paths: ManagementPaths, name: string, namespace: string, signal?: AbortSignal): Promise<Search> {
  const unreachable: string[] = [];
  for (const role of ["self", "bootstrap"] as const) {
    const path = paths[role];
    if (!existsSync(path)) continue;
    const probe = clientFor(path, PROBE_RETRY);
    try {
      const cluster = await probe.get(clusterRef(name, namespace), { signal });
      if (cluster) return { found: { role, path, client: clientFor(path), cluster }, unreachable };
    } catch (err) {
      // A cluster without the Cluster API kinds (providers not installed yet) holds no Cluster.
      if (err instanceof ExternalError && err.code === "unknown-kind") continue;
      if (err instanceof ExternalError && err.code === "connection") {
        unreachable.push(`${path}: ${err.message}`);
        continue;
      }
      throw err;
    }
  }
  return { found: undefined, unreachable };
}

export function isPausedCluster(c: KubeObject): boolean {
  return (c.spec as { paused?: boolean } | undefined)?.paused === true || c.metadata.annotations?.["cluster.x-k8s.io/paused"] !== undefined;
}

/** Stops every Cluster API controller hk can reach from touching the cluster (spec.paused), before hk deletes what they made. */
export async function pauseWhereReachable(ctx: StepContext, i: { name: string; namespace: string; kubeconfigPath: string; bootstrapKubeconfig: string }): Promise<void> {
  for (const path of [i.kubeconfigPath, i.bootstrapKubeconfig]) {
    if (!existsSync(path)) continue;
    try {
      const client = clientFor(path, PROBE_RETRY);
      if (!(await client.get(clusterRef(i.name, i.namespace), { signal: ctx.signal }))) continue;
      await client.apply({ apiVersion: clusterRef(i.name, i.namespace).apiVersion, kind: "Cluster", metadata: { name: i.name, namespace: i.namespace }, spec: { paused: true } }, { signal: ctx.signal, force: true });
      ctx.log(`paused Cluster ${i.namespace}/${i.name} in ${path}: its controllers leave the servers alone`);
    } catch (err) {
      ctx.log(`could not reach ${path} to pause Cluster API there: ${(err as Error).message}`);
    }
  }
}
