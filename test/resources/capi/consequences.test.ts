// The Cluster API side's plan lines, one case per kind of change.
import { describe, expect, it } from "vitest";
import { clusterConfigSchema, type ClusterConfigInput } from "../../../src/config/schema.js";
import { caphDeletes, capiConsequences, capiSpecOf } from "../../../src/resources/capi/consequences.js";

const spec = (input: ClusterConfigInput = {}) => capiSpecOf(clusterConfigSchema.parse(input));
const fixed = { versions: { cacppt: "v0.5.13" } };
const web = { name: "web", serverType: "cx33", replicas: 2 };

describe("Cluster API consequences", () => {
  it("a new cluster: its control plane and pools", () => {
    expect(capiConsequences(undefined, spec({ workers: [web] }))).toEqual([
      "3 servers for the control plane (cx33, nbg1) and a lb11 load balancer, made by CAPH",
      "worker pool web added: 2 × cx33",
    ]);
  });

  it("nothing changes servers: no lines", () => {
    expect(capiConsequences(spec({ workers: [web] }), spec({ workers: [web] }))).toEqual([]);
  });

  it.each([
    ["control-plane servers added", {}, { controlPlane: { replicas: 5 } }, ["2 control-plane servers added (cx33, nbg1)"]],
    ["control-plane servers removed", {}, { controlPlane: { replicas: 1 } }, ["2 control-plane servers removed (3 → 1; etcd members leave one at a time)"]],
    ["a Kubernetes upgrade rolls the control plane", {}, { kubernetes: { version: "v1.33.0" } }, ["control-plane nodes replaced one at a time (Kubernetes v1.32.2 → v1.33.0)"]],
    ["a Talos upgrade rolls it too", {}, { talos: { version: "v1.12.4" } }, ["control-plane nodes replaced one at a time (Talos v1.12.2 → v1.12.4)"]],
    ["so does a server type", {}, { controlPlane: { serverType: "cx43" } }, ["control-plane nodes replaced one at a time (server type cx33 → cx43)"]],
    ["a pool added", {}, { workers: [{ name: "gpu", serverType: "cx43", replicas: 2 }] }, ["worker pool gpu added: 2 × cx43"]],
    ["a pool removed", { workers: [{ name: "old", serverType: "cx33", replicas: 3 }] }, {}, ["worker pool old removed: 3 servers deleted"]],
    ["a pool's server type", { workers: [web] }, { workers: [{ ...web, serverType: "cx43" }] }, ["workers of pool web replaced one at a time (server type cx33 → cx43)"]],
    ["a pool grows", { workers: [web] }, { workers: [{ ...web, replicas: 4 }] }, ["worker pool web: 2 × cx33 added (2 → 4)"]],
    ["a pool shrinks", { workers: [web] }, { workers: [{ ...web, replicas: 1 }] }, ["worker pool web: 1 server deleted (2 → 1)"]],
    ["a pool's labels", { workers: [web] }, { workers: [{ ...web, labels: { tier: "a" } }] }, ["workers of pool web replaced one at a time (labels or taints changed)"]],
    ["a pool at zero has nothing to replace", { workers: [{ ...web, replicas: 0 }] }, { workers: [{ ...web, replicas: 0, serverType: "cx43" }] }, []],
  ] as [string, ClusterConfigInput, ClusterConfigInput, string[]][])("%s", (_name, before, after, lines) => {
    expect(capiConsequences(spec({ ...before, ...fixed }), spec({ ...after, ...fixed }))).toEqual(lines);
  });

  it("a Kubernetes upgrade rolls the workers as well as the control plane", () => {
    expect(capiConsequences(spec({ ...fixed, workers: [web] }), spec({ ...fixed, workers: [web], kubernetes: { version: "v1.33.0" } }))).toEqual([
      "control-plane nodes replaced one at a time (Kubernetes v1.32.2 → v1.33.0)",
      "workers of pool web replaced one at a time (Kubernetes v1.32.2 → v1.33.0)",
    ]);
  });

  it("warns of the CACPPT deadlock before a control-plane roll on CACPPT < v0.5.13, and only then", () => {
    const lines = capiConsequences(spec({ versions: { cacppt: "v0.5.12" } }), spec({ versions: { cacppt: "v0.5.12" }, kubernetes: { version: "v1.33.0" } }));
    expect(lines[1]).toContain("warning: CACPPT v0.5.12 can stall this rolling update");
    expect(lines[1]).toContain("#237");
    expect(lines[1]).toContain("v0.5.13 or later");
    expect(capiConsequences(spec({ versions: { cacppt: "v0.5.12" } }), spec({ versions: { cacppt: "v0.5.12" }, controlPlane: { replicas: 5 } })).join("\n")).not.toContain("warning");
  });

  const owned = { "caph-cluster-k8s": "owned" };
  it.each([
    ["a machine's server", "hcloud_server", { ...owned, machine_type: "control_plane" }, true],
    ["a worker's server", "hcloud_server", { ...owned, machine_type: "worker" }, true],
    ["a server CAPH made for no machine", "hcloud_server", owned, false],
    ["hk's build server", "hcloud_server", { "hk/stack": "k8s", "hk/temporary": "image-build" }, false],
    ["another cluster's server", "hcloud_server", { "caph-cluster-other": "owned", machine_type: "worker" }, false],
    ["its API load balancer", "hcloud_load_balancer", owned, true],
    ["a CCM load balancer", "hcloud_load_balancer", { "hcloud-ccm/service-uid": "u-1" }, false],
    ["its network", "hcloud_network", owned, true],
    ["its placement group", "hcloud_placement_group", owned, true],
    ["a volume labelled for it", "hcloud_volume", owned, false],
    ["a primary IP labelled for it", "hcloud_primary_ip", owned, false],
  ])("the Cluster's delete takes %s with it: %s", (_what, type, labels, taken) => {
    expect(caphDeletes("k8s", { type, inputs: { name: "x", labels } })).toBe(taken);
  });
});
