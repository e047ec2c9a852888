// What capi_pivot makes of a clusterctl move killed half way: the crash tests' next run finds the
// Cluster in both clusters, or paused in the target. Real world clusters of the sandbox (kind and
// the workload cluster, each with clusterctl's CRDs); the step context and a clusterctl that must
// not be called are the seams.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../src/config/schema.js";
import type { StepContext } from "../../src/engine/resource.js";
import { clusterObject } from "../../src/resources/capi/manifests.js";
import { capiPivotType, type CapiPivotInputs } from "../../src/resources/capi/pivot-type.js";
import { startWorldClusters, type WorldClusters } from "../../src/sandbox/clusters/host.js";
import type { ClusterApi, KubeObject } from "../../src/sandbox/kube/types.js";
import { tempDir } from "../support/engine-harness.js";
import { initCluster, kubeconfigPath } from "../sandbox/capi/caph/world.js";

const M = "crash-pivot-test";
const CAPI = "cluster.x-k8s.io/v1beta1";
const owner = { address: "capi_pivot.workload", stack: "k8s", lineage: "lineage-1" };
const logged: string[] = [];
const ctx: StepContext = { signal: new AbortController().signal, progress: () => undefined, log: (l) => logged.push(l) };
/** Nothing here is left to move: calling clusterctl would be the bug. */
const pivot = capiPivotType({ clusterctl: () => Promise.reject(new Error("clusterctl move was run")) });

let clusters: WorldClusters;
let kind: ClusterApi;
let workload: ClusterApi;
let inputs: CapiPivotInputs;
let cluster: KubeObject;

beforeEach(async () => {
  const dir = tempDir("hk-capi-crash-pivot-");
  clusters = await startWorldClusters(dir, {});
  kind = await initCluster(dir, clusters, "k8s-bootstrap");
  workload = await initCluster(dir, clusters, "k8s");
  cluster = clusterObject(clusterConfigSchema.parse({ name: "k8s" })) as unknown as KubeObject;
  inputs = { cluster: "k8s", namespace: "default", from: kubeconfigPath(dir, "k8s-bootstrap"), to: kubeconfigPath(dir, "k8s"), teardown: "cluster-api" } as CapiPivotInputs;
  logged.length = 0;
});

afterEach(async () => {
  await clusters.close();
});

/** The Cluster where a killed move left it: paused (by the move) or not. */
function put(api: ClusterApi, paused: boolean): void {
  api.create({ ...cluster, spec: { ...(cluster.spec as object), paused } }, M);
}

const pausedIn = (api: ClusterApi) => (api.get(CAPI, "Cluster", "default", "k8s")?.spec as { paused?: boolean } | undefined)?.paused === true;

describe("capi_pivot after a clusterctl move killed half way", () => {
  it("find takes no pivot as made while the target's Cluster is still paused by the move, even with kind's kubeconfig unknown", async () => {
    put(kind, true);
    put(workload, true);
    // After a crash the pending record's `from` is a marker: kind is a temporary resource.
    const afterCrash = { ...inputs, from: { $ephemeral: "kind_cluster.bootstrap.kubeconfigPath" } } as unknown as CapiPivotInputs;
    expect(await pivot.find?.(ctx, owner, afterCrash)).toBeUndefined();
    expect(await pivot.find?.(ctx, owner, inputs)).toBeUndefined();
  });

  it("find adopts the pivot once the move ended: the Cluster unpaused in the target, gone from kind", async () => {
    put(workload, false);
    expect((await pivot.find?.(ctx, owner, inputs))?.id).toBe("default/k8s");
  });

  it("create does the move's last step when the source is empty and the target's Cluster paused", async () => {
    put(workload, true);
    const made = await pivot.create(ctx, inputs, owner);
    expect(pausedIn(workload)).toBe(false);
    expect(made.outputs.moved.Cluster).toBe(1);
    expect(logged.join("\n")).toMatch(/left paused .* unpaused/);
  });

  it("the reverse pivot does that last step in kind, so the Cluster's delete is acted on", async () => {
    put(kind, true);
    await pivot.delete(ctx, { id: "default/k8s", inputs, outputs: { moved: {} } });
    expect(pausedIn(kind)).toBe(false);
  });
});
