// The gates the working cluster learned the hard way, as bounded waits: the control plane
// initialized (its kubeconfig Secret exists; readyReplicas needs the CNI, so it is not the gate),
// then every node Ready, a rollout finished, the Cluster gone after its delete. Each polls the
// cluster every POLL_MS (a watch would have to survive the API server going away mid-wait, which
// it does during a rolling control-plane replacement), reports what it sees as progress, and
// fails naming what it waited for and what it saw last.
import { ExternalError } from "../../engine/errors.js";
import type { StepContext } from "../../engine/resource.js";
import type { KubeClient, KubeObject } from "../../providers/kube/index.js";
import { CACPPT, CAPI } from "./manifests.js";

const POLL_MS = 250;

function seconds(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 100) / 10}s`;
}

/** Polls `check` until it says done; its `seen` is progress, and the timeout's message. */
export async function pollUntil(ctx: StepContext, what: string, timeoutMs: number, check: () => Promise<{ done: boolean; seen: string }>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = "nothing yet";
  let lastError: unknown;
  for (;;) {
    if (ctx.signal.aborted) throw new ExternalError(`interrupted while waiting for ${what}`, false, "interrupted");
    try {
      const r = await check();
      lastError = undefined;
      if (r.seen !== seen) ctx.progress(`waiting for ${what}: ${r.seen}`);
      seen = r.seen;
      if (r.done) return;
    } catch (err) {
      // The API server may be away for a moment (a control-plane node replaced); the deadline bounds it.
      if (!(err instanceof ExternalError && err.retryable)) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      const last = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      throw new ExternalError(`timed out after ${seconds(timeoutMs)} waiting for ${what} (last seen: ${seen}${last})`, false, "timeout");
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        ctx.signal.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, POLL_MS);
      ctx.signal.addEventListener("abort", done, { once: true });
    });
  }
}

const conditions = (o: KubeObject): Array<{ type?: string; status?: string }> => ((o.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? []);
export const nodeReady = (n: KubeObject): boolean => conditions(n).some((c) => c.type === "Ready" && c.status === "True");

/** Every node of the workload cluster Ready, and `expected` of them. */
export async function waitNodesReady(ctx: StepContext, workload: KubeClient, expected: number, timeoutMs: number): Promise<void> {
  await pollUntil(ctx, `${expected} Ready node${expected === 1 ? "" : "s"} in the workload cluster`, timeoutMs, async () => {
    const { items } = await workload.list("v1", "Node", { signal: ctx.signal });
    const ready = items.filter(nodeReady).length;
    return { done: items.length === expected && ready === expected, seen: `${ready} of ${items.length} node${items.length === 1 ? "" : "s"} Ready` };
  });
}

type Counts = { replicas?: number; readyReplicas?: number; updatedReplicas?: number; unavailableReplicas?: number; observedGeneration?: number };

/** The control plane and every MachineDeployment at their spec's replicas, all updated and ready. */
export async function waitRolledOut(ctx: StepContext, mgmt: KubeClient, namespace: string, cluster: string, timeoutMs: number): Promise<void> {
  const sel = `cluster.x-k8s.io/cluster-name=${cluster}`;
  await pollUntil(ctx, `the machines of ${cluster} to be up to date and ready`, timeoutMs, async () => {
    const tcps = (await mgmt.list(CACPPT, "TalosControlPlane", { namespace, signal: ctx.signal })).items;
    const mds = (await mgmt.list(CAPI, "MachineDeployment", { namespace, labelSelector: sel, signal: ctx.signal }).catch(() => ({ items: [] as KubeObject[] }))).items;
    const parts: string[] = [];
    let done = true;
    for (const o of [...tcps, ...mds]) {
      const want = (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      const s = (o.status ?? {}) as Counts & { conditions?: Array<{ type?: string; status?: string }> };
      // TalosControlPlane reports no updatedReplicas: its rolling state is the ResizedOrRolled condition.
      const rolled = s.updatedReplicas === undefined ? !(s.conditions ?? []).some((c) => c.type === "ResizedOrRolled" && c.status === "False") : s.updatedReplicas === want;
      // A status older than the spec just applied still counts the old template's machines as up to date.
      const seen = (s.observedGeneration ?? 0) >= Number(o.metadata.generation ?? 0);
      const ok = seen && (s.replicas ?? 0) === want && rolled && (s.readyReplicas ?? 0) === want && (s.unavailableReplicas ?? 0) === 0;
      if (!ok) done = false;
      parts.push(`${o.metadata.name}: ${s.readyReplicas ?? 0}/${want} ready${!seen ? ", change not seen yet" : rolled ? "" : ", rolling"}`);
    }
    return { done: done && tcps.length > 0, seen: parts.join(", ") || "no control plane yet" };
  });
}

/** Machines of the cluster still there, for progress while it is deleted. */
export async function machinesLeft(mgmt: KubeClient, namespace: string, cluster: string, signal: AbortSignal): Promise<number> {
  const { items } = await mgmt.list(CAPI, "Machine", { namespace, labelSelector: `cluster.x-k8s.io/cluster-name=${cluster}`, signal });
  return items.length;
}
