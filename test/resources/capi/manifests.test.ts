// The generated Cluster API objects are what the working cluster has, and the real CRDs (vendored
// in vendor/crds, judged by the emulated apiserver's structural-schema check) accept
// them whole: nothing pruned as unknown, nothing invalid.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../../src/config/schema.js";
import { addonObjects } from "../../../src/resources/capi/addons.js";
import { workloadClusterObjects, type Manifest } from "../../../src/resources/capi/manifests.js";
import { workerPoolObjects } from "../../../src/resources/capi/workers.js";
import { checkObject } from "../../../src/sandbox/kube/semantics/schema.js";
import type { JSONSchemaProps, KubeObject } from "../../../src/sandbox/kube/types.js";

const CRDS = join(import.meta.dirname, "../../../vendor/crds");

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: JSONSchemaProps } }[] };
}

function schemas(): Map<string, JSONSchemaProps> {
  const out = new Map<string, JSONSchemaProps>();
  for (const dir of readdirSync(CRDS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(CRDS, dir.name)).filter((f) => f.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(readFileSync(join(CRDS, dir.name, file), "utf8"))) {
        const crd = doc.toJS() as Crd;
        for (const v of crd.spec.versions.filter((x) => x.served && x.schema)) {
          out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema!.openAPIV3Schema);
        }
      }
    }
  }
  return out;
}

const config = clusterConfigSchema.parse({
  workers: [
    { name: "general", serverType: "cx33", replicas: 2 },
    { name: "gpu", serverType: "cx43", replicas: 1, labels: { "node-role.kubernetes.io/gpu": "", "example.com/tier": "fast" }, taints: [{ key: "gpu", effect: "NoSchedule" }, { key: "example.com/dedicated", value: "ml", effect: "NoExecute" }] },
  ],
});
const objects: Manifest[] = [...workloadClusterObjects(config, "talos-amd64-v1.12.2"), ...addonObjects(config), ...workerPoolObjects(config, "talos-amd64-v1.12.2")];
const bySchema = schemas();

function check(obj: Manifest) {
  const schema = bySchema.get(`${obj.apiVersion}/${obj.kind}`);
  if (!schema) throw new Error(`no served CRD version for ${obj.apiVersion} ${obj.kind}`);
  return checkObject(structuredClone(obj) as unknown as KubeObject, schema);
}

describe("workload cluster objects", () => {
  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))("%s is accepted whole by its CRD", (_name, obj) => {
    const outcome = check(obj);
    expect(outcome.causes).toEqual([]);
    expect(outcome.unknownFields).toEqual([]);
  });

  it("a misspelt field is caught by the same check", () => {
    const bad = structuredClone(objects.find((o) => o.kind === "HetznerCluster")!);
    bad.spec.controlPlaneRegion = ["nbg1"];
    delete bad.spec.controlPlaneRegions;
    const outcome = check(bad);
    expect(outcome.unknownFields).toContain("spec.controlPlaneRegion");
    expect(outcome.causes.map((c) => c.field)).toContain("spec.controlPlaneRegions");
  });

  it("follows the config: network, sizes, versions, names", () => {
    const custom = clusterConfigSchema.parse({
      name: "prod",
      hcloud: { location: "hel1" },
      controlPlane: { replicas: 5, serverType: "cx43" },
      network: { cidr: "10.20.0.0/16", controlPlaneSubnet: "10.20.64.0/25", pods: "10.20.128.0/17", services: "10.20.96.0/20" },
      talos: { version: "v1.12.4" },
      kubernetes: { version: "v1.33.1" },
    });
    const [cluster, hetzner, template, tcp, mhc] = workloadClusterObjects(custom, "talos-amd64-v1.12.4");
    expect(cluster?.spec.clusterNetwork).toEqual({ pods: { cidrBlocks: ["10.20.128.0/17"] }, services: { cidrBlocks: ["10.20.96.0/20"] } });
    expect(hetzner?.spec.controlPlaneRegions).toEqual(["hel1"]);
    expect(hetzner?.spec.hcloudNetwork).toMatchObject({ cidrBlock: "10.20.0.0/16", subnetCidrBlock: "10.20.64.0/25", networkZone: "eu-central" });
    expect(template?.spec.template).toMatchObject({ spec: { type: "cx43", imageName: "talos-amd64-v1.12.4" } });
    expect(tcp?.metadata.name).toBe("prod-control-plane");
    expect(tcp?.spec).toMatchObject({ version: "v1.33.1", replicas: 5 });
    const cp = (tcp?.spec.controlPlaneConfig as { controlplane: { talosVersion: string; strategicPatches: string[] } }).controlplane;
    expect(cp.talosVersion).toBe("v1.12");
    expect(cp.strategicPatches.join("\n")).toContain("10.20.64.0/25");
    expect(cp.strategicPatches.join("\n")).toContain("- 10.20.0.0/16");
    expect(mhc?.spec.selector).toEqual({ matchLabels: { "cluster.x-k8s.io/control-plane-name": "prod-control-plane" } });
  });

  it("names the control plane's machine template by its spec, and the TalosControlPlane follows it", () => {
    const names = (c: typeof config, image = "talos-amd64-v1.12.2") => {
      const [, , template, tcp] = workloadClusterObjects(c, image);
      return [template?.metadata.name, (tcp?.spec.infrastructureTemplate as { name: string }).name];
    };
    const [name, ref] = names(config);
    expect(name).toMatch(/^k8s-control-plane-[0-9a-f]{10}$/);
    expect(ref).toBe(name);
    // Same spec, same name: a plan of an unchanged config renames nothing.
    expect(names(clusterConfigSchema.parse({ controlPlane: { replicas: 5 } }))[0]).toBe(name);
    const bigger = names(clusterConfigSchema.parse({ controlPlane: { serverType: "cx43" } }));
    expect(bigger[0]).not.toBe(name);
    expect(bigger[1]).toBe(bigger[0]);
    expect(names(config, "talos-amd64-v1.12.4")[0]).not.toBe(name);
  });

  it("the add-ons select the cluster by labels it carries", () => {
    const cluster = objects.find((o) => o.kind === "Cluster")!;
    for (const proxy of objects.filter((o) => o.kind === "HelmChartProxy")) {
      const wanted = (proxy.spec.clusterSelector as { matchLabels: Record<string, string> }).matchLabels;
      expect(cluster.metadata.labels).toMatchObject(wanted);
    }
  });
});
