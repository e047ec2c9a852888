// Runs the simulated Cluster API providers where they are installed: in every world cluster, a
// provider's controllers start once the controller Deployment `clusterctl init` made for it is
// available, and stop when it goes (clusterctl delete, the cluster deleted). So before the pivot
// they run in kind, after it in the workload cluster, and during a move both sides see the
// paused objects and leave them alone.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { ClusterEvent } from "../clusters/host.js";
import type { KubeObject } from "../kube/types.js";
import { SIM_PROVIDERS } from "./providers.js";
import { runAsyncControllers, type RunningControllers } from "./runtime.js";
import type { SimProvider, WorldView } from "./types.js";

export const CAPI_LOG = "capi.log";

export interface CapiHost {
  /** Tell the host a world cluster was made or deleted. */
  onCluster(event: ClusterEvent): void;
  /** Resolves once every running provider's queue is empty (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function available(d: KubeObject | undefined): boolean {
  if (!d || d.metadata.deletionTimestamp) return false;
  const status = (d.status ?? {}) as { availableReplicas?: number; conditions?: Array<{ type: string; status: string }> };
  return (status.availableReplicas ?? 0) >= 1 || (status.conditions ?? []).some((c) => c.type === "Available" && c.status === "True");
}

/** A line of `<world dir>/capi.log`, tagged with the cluster it is about. */
export function capiLog(dir: string, line: string, cluster = "world"): void {
  try {
    appendFileSync(join(dir, CAPI_LOG), `${new Date().toISOString()} [${cluster}] ${line}\n`, { mode: 0o600 });
  } catch {
    // the log is a courtesy: a full disk must not stop the controllers
  }
}

export function startCapiHost(world: WorldView, providers: readonly SimProvider[] = SIM_PROVIDERS): CapiHost {
  const log = (cluster: string, line: string) => capiLog(world.dir, line, cluster);
  const perCluster = new Map<string, { unwatch: () => void; running: Map<string, RunningControllers> }>();

  const sync = (cluster: string) => {
    const entry = perCluster.get(cluster);
    const api = world.clusters.api(cluster);
    if (!entry || !api) return;
    for (const p of providers) {
      const up = available(api.get("apps/v1", "Deployment", p.namespace, p.deployment));
      const r = entry.running.get(p.name);
      if (up && !r) {
        log(cluster, `${p.name}: controller available, starting`);
        const ctx = { ...world, cluster, api, log: (line: string) => log(cluster, `${p.name}: ${line}`) };
        entry.running.set(p.name, runAsyncControllers(api, p.controllers(ctx), ctx.log));
      } else if (!up && r) {
        log(cluster, `${p.name}: controller gone, stopping`);
        entry.running.delete(p.name);
        void r.stop();
      }
    }
  };

  const attach = (cluster: string) => {
    const api = world.clusters.api(cluster);
    if (!api || perCluster.has(cluster)) return;
    const unwatch = api.watch("apps/v1", "Deployment", (e) => {
      if (providers.some((p) => p.namespace === e.object.metadata.namespace && p.deployment === e.object.metadata.name)) sync(cluster);
    });
    perCluster.set(cluster, { unwatch, running: new Map() });
    sync(cluster);
  };

  const detach = async (cluster: string) => {
    const entry = perCluster.get(cluster);
    if (!entry) return;
    perCluster.delete(cluster);
    entry.unwatch();
    await Promise.all([...entry.running.values()].map((r) => r.stop()));
  };

  for (const c of world.clusters.list()) attach(c.name);

  return {
    onCluster(event) {
      if (event.type === "created") attach(event.cluster.name);
      else void detach(event.name);
    },
    async idle() {
      for (;;) {
        const all = [...perCluster.values()].flatMap((e) => [...e.running.values()]);
        await Promise.all(all.map((r) => r.idle()));
        const again = [...perCluster.values()].flatMap((e) => [...e.running.values()]);
        if (again.length === all.length) return;
      }
    },
    async close() {
      await Promise.all([...perCluster.keys()].map(detach));
    },
  };
}
