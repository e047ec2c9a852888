// The simulated providers' loop brings back what a paused Cluster's controllers left alone once
// the Cluster is unpaused, as every Cluster API controller's ClusterUnpaused watch does: objects
// moved in by clusterctl move arrive while their Cluster is paused and get no other event after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPaused, runAsyncControllers, self, splitKey, type AsyncController, type RunningControllers } from "../../../src/sandbox/capi/runtime.js";
import { until } from "../../support/until.js";
import { applyCluster, startCaphWorld, type CaphWorld } from "./caph/world.js";

let world: CaphWorld;
let loop: RunningControllers | undefined;

beforeAll(async () => {
  world = await startCaphWorld([]);
}, 120_000);
afterAll(async () => {
  await loop?.stop();
  await world?.close();
});

describe("the simulated providers' loop", () => {
  it("reconciles a paused cluster's objects again when the cluster is unpaused, and only those of that cluster", async () => {
    const { api } = world;
    applyCluster(api, "moved", false);
    applyCluster(api, "other", false);
    const cluster = api.get("cluster.x-k8s.io/v1beta1", "Cluster", "default", "moved");
    if (!cluster) throw new Error("the Cluster was not made");
    api.update({ ...cluster, spec: { ...(cluster.spec as object), paused: true } }, "test");

    const acted: string[] = [];
    const seen: string[] = [];
    const controller: AsyncController = {
      name: "test/configmap",
      primary: { apiVersion: "v1", kind: "ConfigMap" },
      watches: [self("v1", "ConfigMap")],
      reconcile(key) {
        const { namespace, name } = splitKey(key);
        const cm = api.get("v1", "ConfigMap", namespace, name);
        if (!name.startsWith("of-")) return Promise.resolve(); // the namespace's own ConfigMaps
        seen.push(name);
        if (cm && !isPaused(api, cm)) acted.push(name);
        return Promise.resolve();
      },
    };
    loop = runAsyncControllers(api, [controller], () => {});
    const labelled = (name: string, clusterName: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", labels: { "cluster.x-k8s.io/cluster-name": clusterName } }, data: {} });
    api.create(labelled("of-moved", "moved"), "test");
    api.create(labelled("of-other", "other"), "test");
    await until("both objects reconciled once", () => seen.includes("of-moved") && seen.includes("of-other"));
    await loop.idle();
    expect(acted).toEqual(["of-other"]);

    const paused = api.get("cluster.x-k8s.io/v1beta1", "Cluster", "default", "moved");
    if (!paused) throw new Error("the Cluster went away");
    api.update({ ...paused, spec: { ...(paused.spec as object), paused: false } }, "test");
    await until("the moved cluster's object reconciled after the unpause", () => acted.includes("of-moved"));
    await loop.idle();
    expect(acted.filter((n) => n === "of-other")).toHaveLength(1);
  });
});
