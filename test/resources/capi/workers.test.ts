// Worker pools as Cluster API objects: names tie the three objects of a pool together, template
// names follow their spec (so CAPI rolls a pool when its servers or machine config change, and only
// then), labels and taints reach the node by the way that works for each.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { clusterConfigSchema, type ClusterConfigInput } from "../../../src/config/schema.js";
import type { Manifest } from "../../../src/resources/capi/manifests.js";
import { workerPoolObjects } from "../../../src/resources/capi/workers.js";

const IMAGE = "talos-amd64-v1.12.2";
const objectsOf = (input: ClusterConfigInput, image = IMAGE) => workerPoolObjects(clusterConfigSchema.parse(input), image);
const byKind = (objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: Manifest[], kind: string) => {
  const found = byKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
};
interface TalosSpec { generateType: string; talosVersion: string; strategicPatches: string[] }
const talosSpec = (o: Manifest) => (o.spec.template as { spec: TalosSpec }).spec;
const merged = (o: Manifest) => talosSpec(o).strategicPatches.map((p) => parse(p) as { machine?: Record<string, unknown>; cluster?: Record<string, unknown> });

const pool = { name: "general", serverType: "cx33", replicas: 2 };

describe("worker pool objects", () => {
  it("none without pools: the seed cluster is control-plane only", () => {
    expect(objectsOf({})).toEqual([]);
  });

  it("a MachineDeployment refers to its pool's two templates, in the cluster's version and location", () => {
    const objects = objectsOf({ name: "prod", hcloud: { location: "hel1" }, kubernetes: { version: "v1.33.1" }, workers: [pool] });
    expect(objects.map((o) => o.kind)).toEqual(["HCloudMachineTemplate", "TalosConfigTemplate", "MachineDeployment"]);
    const [infra, bootstrap, md] = objects as [Manifest, Manifest, Manifest];
    expect(md.metadata.name).toBe("prod-general");
    for (const o of objects) expect(o.metadata.labels).toEqual({ "cluster.x-k8s.io/cluster-name": "prod" });
    expect(infra.metadata.name).toMatch(/^prod-general-[0-9a-f]{10}$/);
    expect(bootstrap.metadata.name).toMatch(/^prod-general-[0-9a-f]{10}$/);
    expect(md.spec).toMatchObject({
      clusterName: "prod",
      replicas: 2,
      selector: { matchLabels: { "cluster.x-k8s.io/deployment-name": "prod-general" } },
      template: {
        metadata: { labels: { "cluster.x-k8s.io/deployment-name": "prod-general" } },
        spec: {
          clusterName: "prod",
          version: "v1.33.1",
          failureDomain: "hel1",
          bootstrap: { configRef: { apiVersion: "bootstrap.cluster.x-k8s.io/v1alpha3", kind: "TalosConfigTemplate", name: bootstrap.metadata.name } },
          infrastructureRef: { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HCloudMachineTemplate", name: infra.metadata.name },
        },
      },
    });
    expect(infra.spec.template).toEqual({ spec: { type: "cx33", imageName: IMAGE, publicNetwork: { enableIPv4: true, enableIPv6: true } } });
    expect(talosSpec(bootstrap)).toMatchObject({ generateType: "worker", talosVersion: "v1.12" });
  });

  it("the server template's name changes with the server type and the image, and only with what is in it", () => {
    const name = (input: ClusterConfigInput, image = IMAGE) => one(objectsOf(input, image), "HCloudMachineTemplate").metadata.name;
    const base = name({ workers: [pool] });
    expect(name({ workers: [pool] })).toBe(base);
    expect(name({ workers: [{ ...pool, serverType: "cx43" }] })).not.toBe(base);
    expect(name({ workers: [pool] }, "talos-amd64-v1.12.4")).not.toBe(base);
    expect(name({ workers: [{ ...pool, replicas: 5 }] })).toBe(base);
    expect(name({ workers: [pool], kubernetes: { version: "v1.33.0" } })).toBe(base);
  });

  it("the machine config template's name changes with labels, taints and the Talos minor, not the replicas", () => {
    const name = (input: ClusterConfigInput) => one(objectsOf(input), "TalosConfigTemplate").metadata.name;
    const base = name({ workers: [pool] });
    expect(name({ workers: [{ ...pool, replicas: 0 }] })).toBe(base);
    expect(name({ workers: [{ ...pool, labels: { tier: "a" } }] })).not.toBe(base);
    expect(name({ workers: [{ ...pool, taints: [{ key: "a", effect: "NoSchedule" }] }] })).not.toBe(base);
    expect(name({ workers: [pool], talos: { version: "v1.11.5" } })).not.toBe(base);
  });

  it("labels a node may set go to Talos, node-role labels through the Machine, taints as value:effect", () => {
    const objects = objectsOf({
      workers: [{ ...pool, labels: { "node-role.kubernetes.io/gpu": "", "example.com/tier": "fast", "node.kubernetes.io/pool": "gpu" }, taints: [{ key: "gpu", effect: "NoSchedule" }, { key: "example.com/dedicated", value: "ml", effect: "NoExecute" }] }],
    });
    const md = one(objects, "MachineDeployment");
    expect((md.spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels).toEqual({ "cluster.x-k8s.io/deployment-name": "k8s-general", "node-role.kubernetes.io/gpu": "" });
    const own = merged(one(objects, "TalosConfigTemplate")).find((p) => p.machine?.nodeLabels);
    expect(own?.machine).toEqual({
      nodeLabels: { "example.com/tier": "fast", "node.kubernetes.io/pool": "gpu" },
      nodeTaints: { gpu: "NoSchedule", "example.com/dedicated": "ml:NoExecute" },
    });
  });

  it("workers get the control plane's network settings, without the control-plane-only Talos API access", () => {
    const patches = merged(one(objectsOf({ network: { cidr: "10.20.0.0/16", controlPlaneSubnet: "10.20.64.0/25", pods: "10.20.128.0/17", services: "10.20.96.0/20" }, workers: [pool] }), "TalosConfigTemplate"));
    const machine = patches[0]?.machine as { kubelet: { nodeIP: { validSubnets: string[] }; extraArgs: Record<string, string> }; features: Record<string, unknown>; network: unknown };
    expect(machine.kubelet.nodeIP.validSubnets).toEqual(["10.20.0.0/16"]);
    expect(machine.kubelet.extraArgs["cloud-provider"]).toBe("external");
    expect(machine.network).toEqual({ interfaces: [{ interface: "eth0", dhcp: true }, { interface: "eth1", dhcp: true }] });
    expect(machine.features).not.toHaveProperty("kubernetesTalosAPIAccess");
    expect(patches[1]?.cluster).toEqual({ network: { podSubnets: ["10.20.128.0/17"], serviceSubnets: ["10.20.96.0/20"], cni: { name: "none" } }, externalCloudProvider: { enabled: true } });
    expect(patches).toHaveLength(2);
  });

  it("pools are independent: each its own three objects", () => {
    const objects = objectsOf({ workers: [pool, { name: "big", serverType: "cx53", replicas: 0 }] });
    expect(byKind(objects, "MachineDeployment").map((o) => [o.metadata.name, o.spec.replicas])).toEqual([["k8s-general", 2], ["k8s-big", 0]]);
    expect(new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`)).size).toBe(6);
  });
});
