// capi_pivot: the workload cluster made its own management cluster. `clusterctl move` carries
// the Cluster API objects from the kind bootstrap cluster into the workload cluster (pausing,
// copying in owner order, deleting at the source, unpausing), and hk counts them on both sides:
// a move that lost an object is an error naming the kinds, before kind is ever deleted. Deleting
// the pivot is the reverse pivot of a destroy: the objects moved back to a (new) kind cluster, so
// the Cluster can be deleted from outside the cluster it deletes.
import { existsSync } from "node:fs";
import { z } from "zod";
import { AbortError, ExternalError } from "../../engine/errors.js";
import type { ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import type { JsonObject } from "../../engine/values.js";
import { clusterctlMove, type ClusterctlEnv } from "../../providers/clusterctl.js";
import type { KubeClient, KubeObject } from "../../providers/kube/index.js";
import { jsonInputs } from "../hcloud/json-schema.js";
import { CAAPH } from "./addons.js";
import { clientFor, clusterRef, isPausedCluster, pauseWhereReachable, PROBE_RETRY } from "./management.js";
import { CACPPT, CAPH, CAPI } from "./manifests.js";

const CABPT = "bootstrap.cluster.x-k8s.io/v1alpha3";

/** The kinds a move carries for a Talos-on-Hetzner cluster, counted on both sides. */
export const MOVED_KINDS: ReadonlyArray<readonly [string, string]> = [
  [CAPI, "Cluster"], [CAPI, "MachineDeployment"], [CAPI, "MachineSet"], [CAPI, "Machine"], [CAPI, "MachineHealthCheck"],
  [CAPH, "HetznerCluster"], [CAPH, "HCloudMachineTemplate"], [CAPH, "HCloudMachine"],
  [CACPPT, "TalosControlPlane"], [CABPT, "TalosConfig"], [CABPT, "TalosConfigTemplate"],
  // HelmReleaseProxies are not counted: CAAPH makes them again from the proxies in the target.
  [CAAPH, "HelmChartProxy"],
];

export const capiPivotInputs = jsonInputs(
  z.object({
    cluster: z.string().min(1),
    namespace: z.string().min(1),
    /** The bootstrap (kind) cluster's kubeconfig: the move's source, and the reverse pivot's target. */
    from: z.string().min(1),
    /** The workload cluster's kubeconfig. */
    to: z.string().min(1),
    /** Observed for a destroy: "cluster-api" (the reverse pivot) or "direct: WHY" (nothing can be moved). */
    teardown: z.string().default("cluster-api"),
  }),
);
export type CapiPivotInputs = z.output<typeof capiPivotInputs> & JsonObject;

export const capiPivotOutputs = z.object({
  /** Objects the last move carried, by kind. */
  moved: z.record(z.string(), z.number()),
});
export type CapiPivotOutputs = z.output<typeof capiPivotOutputs>;

export interface CapiPivotDeps {
  clusterctl: () => Promise<Omit<ClusterctlEnv, "signal" | "onLine">>;
  /** A destroy is planned: an unreachable workload cluster means no reverse pivot, not an error. */
  destroying?: boolean;
  /** Why no bootstrap cluster can be made now (real mode: kind or Docker missing), or undefined. */
  bootstrapUnusable?: () => Promise<string | undefined>;
}

/** Objects of the moved kinds in the namespace, by kind (kinds not served count 0), and the Secrets of the cluster. */
export async function countObjects(client: KubeClient, namespace: string, cluster: string, signal: AbortSignal): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const machines = new Set<string>();
  for (const [apiVersion, kind] of MOVED_KINDS) {
    try {
      // What clusterctl move carries: not what is being deleted, nor a machine's part whose Machine is gone.
      const items = (await client.list(apiVersion, kind, { namespace, signal })).items.filter((o) => !o.metadata.deletionTimestamp);
      if (kind === "Machine") for (const m of items) machines.add(m.metadata.name ?? "");
      const counted = kind === "HCloudMachine" || kind === "TalosConfig" ? items.filter((o) => ((o.metadata.ownerReferences ?? []) as Array<{ kind?: string; name?: string }>).some((r) => r.kind === "Machine" && machines.has(r.name ?? ""))) : items;
      if (counted.length > 0) out[kind] = counted.length;
    } catch (err) {
      if (!(err instanceof ExternalError && err.code === "unknown-kind")) throw err;
    }
  }
  const secrets = (await client.list("v1", "Secret", { namespace, signal })).items.filter(
    (s) => s.metadata.labels?.["cluster.x-k8s.io/cluster-name"] === cluster || s.metadata.labels?.["clusterctl.cluster.x-k8s.io/move"] !== undefined,
  );
  if (secrets.length > 0) out.Secret = secrets.length;
  return out;
}

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

function compare(before: Record<string, number>, after: Record<string, number>, where: string): void {
  const lost = Object.keys(before).filter((k) => (after[k] ?? 0) < (before[k] ?? 0));
  if (lost.length > 0) {
    throw new ExternalError(`clusterctl move left ${where} short: ${lost.map((k) => `${k} ${after[k] ?? 0} of ${before[k]}`).join(", ")}; the source cluster keeps what it has, and is not deleted`, false, "move-incomplete");
  }
}

/** The Cluster in the cluster at `path`, or undefined (no kubeconfig, no Cluster API kinds, no Cluster). */
async function clusterAt(path: string, i: CapiPivotInputs, signal: AbortSignal, quick = false): Promise<KubeObject | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return await clientFor(path, quick ? PROBE_RETRY : undefined).get(clusterRef(i.cluster, i.namespace), { signal });
  } catch (err) {
    if (err instanceof ExternalError && err.code === "unknown-kind") return undefined;
    throw err;
  }
}

const hasCluster = async (path: string, i: CapiPivotInputs, signal: AbortSignal, quick = false): Promise<boolean> => (await clusterAt(path, i, signal, quick)) !== undefined;

/**
 * clusterctl move's last step, when a move killed just before it left it undone: the source
 * emptied, the target's Cluster still paused by the move. Nothing is left to move, and paused
 * controllers would never act on the cluster (nor delete its servers). True when it did that.
 */
async function finishKilledMove(ctx: StepContext, i: CapiPivotInputs, src: string, dst: string): Promise<boolean> {
  if (typeof src !== "string" || typeof dst !== "string" || (await hasCluster(src, i, ctx.signal))) return false;
  const there = await clusterAt(dst, i, ctx.signal);
  if ((there?.spec as { paused?: boolean } | undefined)?.paused !== true) return false;
  await clientFor(dst).apply({ apiVersion: CAPI, kind: "Cluster", metadata: { name: i.cluster, namespace: i.namespace }, spec: { paused: false } }, { signal: ctx.signal, force: true });
  ctx.log(`Cluster ${i.namespace}/${i.cluster} was left paused in ${dst} by a move killed after it emptied the source: unpaused, the move's last step`);
  return true;
}

export function capiPivotType(deps: CapiPivotDeps): ResourceType<CapiPivotInputs, CapiPivotOutputs> {
  /** Moves the cluster's objects from `src` to `dst`, counting them on both sides. */
  const move = async (ctx: StepContext, i: CapiPivotInputs, src: string, dst: string, label: string): Promise<Record<string, number>> => {
    if (typeof src !== "string" || typeof dst !== "string") throw new AbortError(`capi_pivot ${i.cluster}: a kubeconfig of the move is not known now`);
    const source = clientFor(src);
    const target = clientFor(dst);
    if (await finishKilledMove(ctx, i, src, dst)) return countObjects(target, i.namespace, i.cluster, ctx.signal);
    const before = await countObjects(source, i.namespace, i.cluster, ctx.signal);
    const already = await countObjects(target, i.namespace, i.cluster, ctx.signal);
    ctx.progress(`clusterctl move ${label}: ${total(before)} objects`);
    await clusterctlMove({ ...(await deps.clusterctl()), signal: ctx.signal, onLine: (l) => ctx.log(l) }, { kubeconfig: src, toKubeconfig: dst, namespace: i.namespace });
    const after = await countObjects(target, i.namespace, i.cluster, ctx.signal);
    const expected: Record<string, number> = {};
    for (const k of new Set([...Object.keys(before), ...Object.keys(already)])) expected[k] = Math.max(before[k] ?? 0, already[k] ?? 0);
    compare(expected, after, `the target with fewer objects than the source had`);
    const c = await target.get(clusterRef(i.cluster, i.namespace), { signal: ctx.signal });
    if (!c || isPausedCluster(c)) throw new ExternalError(`after clusterctl move ${label}, Cluster ${i.namespace}/${i.cluster} is ${c ? "still paused" : "missing"} in the target`, false, "move-incomplete");
    ctx.log(`moved ${total(after)} objects ${label}`);
    return after;
  };

  return {
    type: "capi_pivot",
    inputs: capiPivotInputs as unknown as z.ZodType<CapiPivotInputs>,
    outputs: capiPivotOutputs,
    replaceOn: ["cluster", "namespace"],
    computedInputs: ["from", "teardown"],

    async read(ctx, current): Promise<ReadResult<CapiPivotInputs, CapiPivotOutputs>> {
      // Pivoted = the Cluster is in the workload cluster; where the bootstrap cluster is does not matter.
      const i = current.inputs;
      let there: boolean;
      try {
        there = await hasCluster(i.to, i, ctx.signal, deps.destroying);
      } catch (err) {
        if (!(deps.destroying && err instanceof ExternalError && err.code === "connection")) throw err;
        return { status: "found", inputs: { ...i, teardown: `direct: the workload cluster's API does not answer (${err.message})` }, outputs: current.outputs };
      }
      if (!there) return { status: "gone" };
      const why = deps.destroying ? await deps.bootstrapUnusable?.() : undefined;
      return { status: "found", inputs: { ...i, teardown: why ? `direct: no bootstrap cluster can be made (${why})` : "cluster-api" }, outputs: current.outputs };
    },

    deletesAlone: (current) => String(current.inputs.teardown ?? "").startsWith("direct"),

    consequences(before, after) {
      if (after || !before) return [];
      return String(before.teardown ?? "").startsWith("direct")
        ? [`no reverse pivot: ${before.teardown.replace(/^direct: /, "")}`]
        : ["the reverse pivot: a kind cluster with the same providers, then clusterctl move of every Cluster API object back to it"];
    },

    async find(ctx, _owner, desired) {
      // A move killed half way is run again: clusterctl unpauses the target's Cluster as its last
      // step, after the source is emptied. (After a crash `from`, kind's kubeconfig, is not known.)
      const there = await clusterAt(desired.to, desired, ctx.signal);
      if (!there || isPausedCluster(there)) return undefined;
      if (typeof desired.from === "string" && (await hasCluster(desired.from, desired, ctx.signal))) return undefined;
      return { id: `${desired.namespace}/${desired.cluster}`, inputs: desired, outputs: { moved: {} } };
    },

    async create(ctx, inputs) {
      const moved = await move(ctx, inputs, inputs.from, inputs.to, "into the workload cluster");
      return { id: `${inputs.namespace}/${inputs.cluster}`, outputs: { moved } };
    },

    async update(_ctx, current) {
      return { outputs: current.outputs };
    },

    async delete(ctx, current) {
      const i = current.inputs;
      if (String(i.teardown ?? "").startsWith("direct")) {
        await pauseWhereReachable(ctx, { name: i.cluster, namespace: i.namespace, kubeconfigPath: i.to, bootstrapKubeconfig: typeof i.from === "string" ? i.from : "" });
        ctx.log(`no reverse pivot (${i.teardown.replace(/^direct: /, "")}): the Cluster API objects go with their cluster`);
        return;
      }
      if (await finishKilledMove(ctx, i, i.to, i.from)) return;
      if (!(await hasCluster(i.to, i, ctx.signal))) {
        ctx.log(`Cluster ${i.namespace}/${i.cluster} is not in the workload cluster: nothing to move back`);
        return;
      }
      await move(ctx, i, i.to, i.from, "back to the bootstrap cluster");
    },
  };
}
