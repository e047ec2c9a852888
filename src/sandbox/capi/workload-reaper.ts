// The world's physics for a workload cluster: its API runs on its servers, so once every server
// its nodes ran on is gone (deleted by CAPH, or by hk's direct teardown of a broken cluster), the
// world cluster goes too, as a real one would stop answering. Only clusters whose Nodes name
// Hetzner servers (providerID hcloud://ID, set by the simulated CCM) are considered: a workload
// cluster made by hand, or still bootstrapping, is left alone.
import type { WorldClusters } from "../clusters/host.js";

export interface WorkloadReaper {
  /** One look now (also done every `everyMs` and at close). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

const PROVIDER_ID = /^hcloud:\/\/(\d+)$/;

/** The hcloud server ids a cluster's Nodes run on, from their providerIDs. */
function serversOf(clusters: WorldClusters, name: string): number[] {
  const nodes = clusters.api(name)?.list("v1", "Node") ?? [];
  return nodes.flatMap((n) => {
    const m = PROVIDER_ID.exec(String((n.spec as { providerID?: unknown } | undefined)?.providerID ?? ""));
    return m ? [Number(m[1])] : [];
  });
}

export function startWorkloadReaper(clusters: WorldClusters, serverIds: () => number[], log: (line: string) => void, everyMs = 250): WorkloadReaper {
  const once = async (): Promise<void> => {
    const live = new Set(serverIds());
    for (const c of clusters.list().filter((x) => x.kind === "workload")) {
      const ran = serversOf(clusters, c.name);
      if (ran.length === 0 || ran.some((id) => live.has(id))) continue;
      log(`workload cluster ${c.name}: its servers (${ran.join(", ")}) are gone, so its API is gone too`);
      await clusters.delete(c.name);
    }
  };
  // One sweep at a time; cleared when it settles (a later tick starts the next).
  let running: Promise<void> | undefined;
  const sweep = (): Promise<void> => {
    if (running) return running;
    const p = once().finally(() => {
      if (running === p) running = undefined;
    });
    running = p;
    return p;
  };
  const timer = setInterval(() => void sweep().catch((err: Error) => log(`workload reaper: ${err.message}`)), everyMs);
  timer.unref();
  return {
    sweep,
    async close() {
      clearInterval(timer);
      // A sweep under way may have looked before the last servers went: one more after it.
      await running?.catch(() => undefined);
      await sweep().catch(() => undefined);
    },
  };
}
