// What capi_cluster's find reports for a cluster a killed create left half joined: the crash
// tests' next apply adopts it from there, and the nodes it reports decide whether that apply
// waits for the cluster again (an update) or takes it as made. Real world clusters of the sandbox
// (a kind management cluster with clusterctl's CRDs, a workload cluster); the step context is
// the only seam.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../src/config/schema.js";
import type { StepContext } from "../../src/engine/resource.js";
import { capiClusterType, type CapiClusterInputs } from "../../src/resources/capi/cluster-type.js";
import { clusterObject } from "../../src/resources/capi/manifests.js";
import { startWorldClusters, type WorldClusters } from "../../src/sandbox/clusters/host.js";
import type { ClusterApi, KubeObject } from "../../src/sandbox/kube/types.js";
import { tempDir } from "../support/engine-harness.js";
import { initCluster, kubeconfigPath } from "../sandbox/capi/caph/world.js";

const M = "crash-find-test";
const owner = { address: "capi_cluster.workload", stack: "k8s", lineage: "lineage-1" };
const ctx: StepContext = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };

let dir: string;
let clusters: WorldClusters;
let workload: ClusterApi;
let desired: CapiClusterInputs;

beforeEach(async () => {
  dir = tempDir("hk-capi-crash-find-");
  clusters = await startWorldClusters(dir, {});
  const mgmt = await initCluster(dir, clusters, "k8s-bootstrap");
  const config = clusterConfigSchema.parse({ name: "k8s" });
  const cluster = clusterObject(config) as unknown as KubeObject;
  mgmt.create(cluster, M);
  await clusters.create({ name: "k8s", kind: "workload", serverVersion: "v1.32.2", nodes: [] });
  const api = clusters.api("k8s");
  if (!api) throw new Error("the workload cluster k8s has no API");
  workload = api;
  // What a create that got as far as the node wait wrote beside the state.
  await writeFile(join(dir, "k8s.kubeconfig"), clusters.kubeconfig("k8s") ?? "", { mode: 0o600 });
  await writeFile(join(dir, "k8s.talosconfig"), "context: k8s\n", { mode: 0o600 });
  desired = {
    name: "k8s",
    namespace: "default",
    kubeconfigPath: join(dir, "k8s.kubeconfig"),
    talosconfigPath: join(dir, "k8s.talosconfig"),
    bootstrapKubeconfig: kubeconfigPath(dir, "k8s-bootstrap"),
    objects: [cluster as unknown as CapiClusterInputs["objects"][number]],
    hcloudToken: "token",
    expectedNodes: 3,
    ccmNetwork: "k8s",
    teardown: "cluster-api",
    localFiles: "present",
    timeouts: { initializedSeconds: 60, readySeconds: 60, deletedSeconds: 60 },
    shape: {},
  } as CapiClusterInputs;
});

afterEach(async () => {
  await clusters.close();
});

/** A Node as the Talos boot and the CCM leave it: Ready or not, with the providerID or without. */
function node(name: string, ready: boolean, providerID?: string): void {
  const made = workload.create({ apiVersion: "v1", kind: "Node", metadata: { name }, spec: providerID ? { providerID } : {} }, M);
  const t = new Date().toISOString();
  const condition = { type: "Ready", status: ready ? "True" : "False", reason: ready ? "KubeletReady" : "KubeletNotReady", lastHeartbeatTime: t, lastTransitionTime: t };
  workload.update({ ...made, status: { conditions: [condition] } }, M, { subresource: "status" });
}

const find = async () => (await capiClusterType().find?.(ctx, owner, desired))?.inputs;

describe("capi_cluster find after a create killed during its waits", () => {
  it("reports only the nodes that are Ready with a providerID, so adopting the cluster plans an update that waits again", async () => {
    node("k8s-control-plane-a", true, "hcloud://1");
    node("k8s-control-plane-b", true);
    node("k8s-control-plane-c", false, "hcloud://3");
    const seen = await find();
    expect(seen?.expectedNodes).toBe(1);
    expect(seen?.localFiles).toBe("present");
  });

  it("reports the cluster as desired once every node is Ready and initialised by the CCM", async () => {
    for (const [i, name] of ["a", "b", "c"].entries()) node(`k8s-control-plane-${name}`, true, `hcloud://${i + 1}`);
    expect((await find())?.expectedNodes).toBe(3);
  });

  it("counts no node when the workload cluster does not answer", async () => {
    node("k8s-control-plane-a", true, "hcloud://1");
    await clusters.delete("k8s");
    expect((await find())?.expectedNodes).toBe(0);
  });
});
