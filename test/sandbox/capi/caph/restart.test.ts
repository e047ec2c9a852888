// The simulated CAPH's controllers run by the test itself (no CAPI host): a crash between the
// server's create and the HCloudMachine's write (the seam: the ClusterApi refuses that write and
// the controllers are stopped) leaves one server, which the restarted controllers adopt; and a
// paused Cluster's machine is left alone until the pause ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caphProvider } from "../../../../src/sandbox/capi/caph/index.js";
import { runAsyncControllers, type RunningControllers } from "../../../../src/sandbox/capi/runtime.js";
import type { ProviderContext } from "../../../../src/sandbox/capi/types.js";
import type { ClusterApi } from "../../../../src/sandbox/kube/types.js";
import { until } from "../../../support/until.js";
import { rest } from "../../hcloud/clients.js";
import { applyCluster, applyMachine, makeSnapshot, startCaphWorld, timing, type CaphWorld } from "./world.js";

const INFRA = "infrastructure.cluster.x-k8s.io/v1beta1";
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
let world: CaphWorld;
const lines: string[] = [];

beforeAll(async () => {
  world = await startCaphWorld([]);
}, 120_000);
afterAll(async () => {
  await world?.close();
});

function run(api: ClusterApi): RunningControllers {
  const ctx: ProviderContext = { dir: world.dir, clusters: world.clusters, hcloudEndpoint: world.hcloud.url, timing, cluster: "mgmt", api, log: (l) => lines.push(l) };
  return runAsyncControllers(api, caphProvider.controllers(ctx), (l) => lines.push(l));
}

const servers = async (): Promise<Obj[]> => (await rest(world.hcloud.url, "GET", `/servers?label_selector=${encodeURIComponent("caph-cluster-crash=owned")}`)).body.servers;
const hcloudMachine = (): Obj | undefined => world.api.get(INFRA, "HCloudMachine", "default", "crash-cp-1") as Obj | undefined;

describe("simulated CAPH across a crash and a pause", () => {
  it("adopts the server a crashed run made instead of making a second, and leaves a paused cluster's machine alone", async () => {
    await makeSnapshot(world.hcloud.url, "talos-crash");
    // The write of spec.providerID after the create fails as if the process died there.
    let crashed = false;
    const crashing = new Proxy(world.api, {
      get(target, prop) {
        if (prop === "update") {
          return (obj: Obj, manager: string, opts?: { subresource?: "status" }) => {
            if (obj.kind === "HCloudMachine" && !opts?.subresource && obj.spec?.providerID) {
              crashed = true;
              throw new Error("controller process killed");
            }
            return target.update(obj as never, manager, opts);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const first = run(crashing);
    applyCluster(world.api, "crash");
    applyMachine(world.api, "crash", "crash-cp-1", "talos-crash");
    await until("the crash after the server's create", () => crashed, { timeoutMs: 30_000 });
    await first.stop();
    const made = await servers();
    expect(made.map((s) => s.name)).toEqual(["crash-cp-1"]);
    expect(hcloudMachine()?.spec?.providerID).toBeUndefined();

    const second = run(world.api);
    try {
      await until("HCloudMachine ready after the restart", () => hcloudMachine()?.status?.ready === true, { timeoutMs: 30_000 });
      const after = await servers();
      expect(after.map((s) => s.id)).toEqual([made[0]!.id]);
      expect(hcloudMachine()?.spec?.providerID).toBe(`hcloud://${made[0]!.id}`);

      // Paused (as clusterctl move pauses): a delete waits, the server stays.
      const cluster = world.api.get("cluster.x-k8s.io/v1beta1", "Cluster", "default", "crash")!;
      world.api.update({ ...cluster, spec: { ...(cluster.spec as Obj), paused: true } }, "test");
      world.api.delete(INFRA, "HCloudMachine", "default", "crash-cp-1");
      await second.idle();
      expect(hcloudMachine()?.metadata?.deletionTimestamp).toBeDefined();
      expect((await servers()).length).toBe(1);

      const paused = world.api.get("cluster.x-k8s.io/v1beta1", "Cluster", "default", "crash")!;
      world.api.update({ ...paused, spec: { ...(paused.spec as Obj), paused: false } }, "test");
      await until("HCloudMachine gone once unpaused", () => hcloudMachine() === undefined, { timeoutMs: 30_000 });
      expect(await servers()).toEqual([]);
      world.api.delete(INFRA, "HetznerCluster", "default", "crash");
      await until("HetznerCluster gone", () => world.api.get(INFRA, "HetznerCluster", "default", "crash") === undefined, { timeoutMs: 30_000 });
    } finally {
      await second.stop();
    }
  }, 120_000);
});
