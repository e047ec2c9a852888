// The world's workload clusters go once every server their nodes ran on is gone; one still
// running keeps its cluster, and one whose nodes name no Hetzner server is never touched.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorldClusters, type WorldClusters } from "../../../src/sandbox/clusters/host.js";
import { startWorkloadReaper } from "../../../src/sandbox/capi/workload-reaper.js";
import { until } from "../../support/until.js";

let dir: string;
let clusters: WorldClusters;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-reaper-"));
  clusters = await startWorldClusters(dir, {});
}, 120_000);
afterAll(async () => {
  await clusters?.close();
  await rm(dir, { recursive: true, force: true });
});

async function workload(name: string, providerIDs: string[]): Promise<void> {
  await clusters.create({ name, kind: "workload", serverVersion: "v1.32.2", nodes: [] });
  const api = clusters.api(name);
  providerIDs.forEach((providerID, i) => api?.create({ apiVersion: "v1", kind: "Node", metadata: { name: `${name}-${i}` }, spec: { providerID } }, "test"));
}

describe("the workload reaper", () => {
  it("deletes a workload cluster once all its servers are gone, and only then", async () => {
    await workload("gone", ["hcloud://11", "hcloud://12"]);
    await workload("alive", ["hcloud://21", "hcloud://22"]);
    await workload("by-hand", []);
    let servers = [11, 12, 21, 22];
    const lines: string[] = [];
    const reaper = startWorkloadReaper(clusters, () => servers, (l) => lines.push(l), 20);
    try {
      await reaper.sweep();
      expect(clusters.list().map((c) => c.name).sort()).toEqual(["alive", "by-hand", "gone"]);
      servers = [12, 22];
      await reaper.sweep();
      expect(clusters.list().map((c) => c.name).sort()).toEqual(["alive", "by-hand", "gone"]);
      servers = [22];
      // The timer's sweeps find it too, not only the one asked for.
      await until("the cluster without servers to go", () => clusters.get("gone") === undefined);
      expect(lines).toEqual(["workload cluster gone: its servers (11, 12) are gone, so its API is gone too"]);
      servers = [];
      await reaper.close();
      expect(clusters.list().map((c) => c.name)).toEqual(["by-hand"]);
    } finally {
      await reaper.close();
    }
  });
});
