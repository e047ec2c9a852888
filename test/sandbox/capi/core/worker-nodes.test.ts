// A worker pool's nodes with the simulated core, CABPT and Talos boot together: the worker machine
// config generated from the pool's TalosConfigTemplate, its nodeLabels and nodeTaints on the Node
// Talos registers, the node-role label CAPI copies from the Machine, and Ready once the CNI runs.
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { KubeObject } from "../../../../src/sandbox/kube/types.js";
import { until } from "../talos/world.js";
import { applyPool, CAPI, poolConfig, startPoolWorld, type PoolWorld } from "./pool-world.js";

let world: PoolWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

type Node = KubeObject & { spec?: { taints?: Array<{ key: string; value?: string; effect: string }> }; status?: { conditions?: Array<{ type: string; status: string }> } };
const ready = (n: Node) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

describe("worker nodes of a simulated pool", () => {
  it("carry the pool's labels and taints, the worker role from the Machine, and turn Ready with the CNI", async () => {
    world = await startPoolWorld({ talos: true });
    const { api, workload } = world;
    const pool = { labels: { "node-role.kubernetes.io/worker": "", "example.com/tier": "fast" }, taints: [{ key: "example.com/dedicated", value: "batch", effect: "NoSchedule" }] };
    applyPool(api, poolConfig(1, "cx33", pool));
    const node = await until("the worker's Node registered", () => workload.list("v1", "Node")[0] as Node | undefined);
    const machine = api.list(CAPI, "Machine", "default")[0];
    expect(node.metadata.name).toBe(machine?.metadata.name);
    const secret = api.get("v1", "Secret", "default", machine?.metadata.name ?? "");
    const config = parse(Buffer.from(String((secret?.data as { value?: string } | undefined)?.value), "base64").toString("utf8")) as { machine: { type: string } };
    expect(config.machine.type).toBe("worker");
    expect(node.metadata.labels).toMatchObject({ "example.com/tier": "fast", "kubernetes.io/os": "linux" });
    expect(node.metadata.labels?.["node-role.kubernetes.io/control-plane"]).toBeUndefined();
    expect(node.spec?.taints).toContainEqual({ key: "example.com/dedicated", value: "batch", effect: "NoSchedule" });
    expect(ready(node)).toBe(false);
    // The kubelet's own registration has no node-role label (NodeRestriction): CAPI copies it once the Machine has the Node.
    const labelled = await until("the worker role copied from the Machine", () => (workload.list("v1", "Node")[0]?.metadata.labels?.["node-role.kubernetes.io/worker"] === "" ? workload.list("v1", "Node")[0] : undefined));
    expect(labelled.metadata.annotations).toMatchObject({ "cluster.x-k8s.io/machine": machine?.metadata.name, "cluster.x-k8s.io/owner-kind": "MachineSet", "cluster.x-k8s.io/labels-from-machine": "node-role.kubernetes.io/worker" });
    workload.create({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "cilium", namespace: "kube-system" }, spec: { selector: { matchLabels: { app: "cilium" } }, template: { metadata: { labels: { app: "cilium" } }, spec: { containers: [{ name: "cilium", image: "quay.io/cilium/cilium:v1.18.6" }] } } } }, "helm");
    await until("the worker Node Ready", () => ready(workload.list("v1", "Node")[0] as Node));
    await until("the MachineDeployment Running", () => (api.get(CAPI, "MachineDeployment", "default", "k8s-w")?.status as { phase?: string } | undefined)?.phase === "Running");
  });
});
