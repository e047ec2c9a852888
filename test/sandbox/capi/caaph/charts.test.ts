// The charts' effects as the real helm 3.17 sees them: after install and upgrade `helm list -A`
// on the workload cluster shows the release CAAPH installed at its revision, and after uninstall
// neither the release nor the chart's DaemonSet is left.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { install, uninstall, type Release } from "../../../../src/sandbox/capi/caaph/charts.js";
import type { ClusterApi } from "../../../../src/sandbox/kube/types.js";
import { openSandbox } from "../../../../src/sandbox/world.js";
import { freshClientEnv, HELM, requireKubeTools } from "../../../support/kube-tools.js";

describe("CAAPH chart effects", () => {
  let dir = "";
  let sandbox: Awaited<ReturnType<typeof openSandbox>>;
  let api: ClusterApi;
  let kubeconfig = "";

  beforeAll(async () => {
    requireKubeTools();
    dir = await mkdtemp(join(tmpdir(), "hk-caaph-"));
    sandbox = await openSandbox(dir);
    const clusters = sandbox.clusters;
    if (!clusters) throw new Error(`openSandbox(${dir}) gave no in-process clusters`);
    await clusters.create({ name: "k8s", kind: "workload", serverVersion: "v1.33.1", nodes: [] });
    api = clusters.api("k8s") as ClusterApi;
    kubeconfig = join(dir, "k8s.kubeconfig");
    await writeFile(kubeconfig, clusters.kubeconfig("k8s") ?? "");
  });
  afterAll(async () => {
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const helmList = async (): Promise<{ name: string; namespace: string; revision: string; status: string; chart: string }[]> => {
    const out = await execa(HELM, ["list", "-A", "-o", "json", "--kubeconfig", kubeconfig], { env: await freshClientEnv() });
    return JSON.parse(out.stdout) as { name: string; namespace: string; revision: string; status: string; chart: string }[];
  };

  it("installs, upgrades and uninstalls cilium as helm records it", async () => {
    const release: Release = { name: "cilium", namespace: "kube-system", chart: "cilium", version: "1.17.4", revision: 1, values: "" };
    install(api, release);
    expect(api.get("apps/v1", "DaemonSet", "kube-system", "cilium")).toBeDefined();
    expect(await helmList()).toMatchObject([{ name: "cilium", namespace: "kube-system", revision: "1", status: "deployed", chart: "cilium-1.17.4" }]);

    install(api, { ...release, version: "1.17.5", revision: 2 });
    expect(await helmList()).toMatchObject([{ name: "cilium", revision: "2", status: "deployed", chart: "cilium-1.17.5" }]);

    uninstall(api, { ...release, revision: 2 });
    expect(await helmList()).toEqual([]);
    expect(api.get("apps/v1", "DaemonSet", "kube-system", "cilium")).toBeUndefined();
  });
});
