// kind_cluster under --sandbox: the same code runs the sandbox's emulated kind, found first on
// PATH through sandboxToolEnv, against a served world. As a temporary resource: the cluster is
// made, what needs it talks to its API server through the kubeconfig kind wrote, and it is gone
// after the run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ref } from "../../../src/engine/values.js";
import { KubeClient } from "../../../src/providers/kube/index.js";
import { kindGetClusters } from "../../../src/providers/kind.js";
import { kindClusterType, kindKubeconfigPath } from "../../../src/resources/kind/index.js";
import { serveSandbox, type SandboxConnection } from "../../../src/sandbox/world.js";
import { sandboxToolEnv } from "../../../src/sandbox/tools-env.js";
import { fakeType } from "../../support/fake-type.js";
import { actions, harness, stackOf } from "../../support/engine-harness.js";

let dir: string;
let world: SandboxConnection;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-kind-sandbox-"));
  world = await serveSandbox(dir, { actionMs: 20 });
});
afterAll(async () => {
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("kind_cluster under --sandbox", () => {
  it("makes an emulated cluster for what needs it, whose API answers through the kubeconfig, and deletes it after", async () => {
    const h = harness();
    const home = await mkdtemp(join(tmpdir(), "hk-kind-home-"));
    const env = { ...sandboxToolEnv(dir), HOME: home };
    const kubeconfigPath = kindKubeconfigPath(h.statePath, "boot");
    const nodes: string[] = [];
    const probe = fakeType(h.world, { type: "probe" });
    const types = [
      kindClusterType({ env }),
      {
        ...probe,
        create: async (...a: Parameters<typeof probe.create>) => {
          const kube = KubeClient.fromKubeconfig(String(a[1].value), "kind-boot");
          const { items } = await kube.list("v1", "Node", { signal: a[0].signal });
          nodes.push(...items.map((n) => n.metadata.name));
          return probe.create(...a);
        },
      },
    ];
    const stack = stackOf([
      { address: "kind_cluster.boot", type: "kind_cluster", inputs: { name: "boot", kubeconfigPath }, lifecycle: { temporary: true } },
      { address: "probe.nodes", type: "probe", inputs: { value: ref("kind_cluster.boot", "kubeconfigPath") } },
    ]);
    const { outcome, result } = await h.apply(stack, types);
    expect(actions(outcome)).toEqual(["create kind_cluster.boot", "create probe.nodes"]);
    expect(result.failed).toEqual([]);
    expect(nodes).toEqual(["boot-control-plane"]);
    const progress = h.events.flatMap((e) => (e.type === "step-progress" && e.address === "kind_cluster.boot" ? [e.message] : []));
    expect(progress).toContain("Ensuring node image (kindest/node:v1.33.1)");
    expect(progress).toContain("Starting control-plane");
    expect(await kindGetClusters({ env })).toEqual([]);
    expect(actions(await h.plan(stack, types))).toEqual([]);
    await rm(home, { recursive: true, force: true });
  }, 120_000);
});
