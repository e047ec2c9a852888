// Object semantics through real kubectl 1.32: the vendored CRDs applied server-side and objects of
// their kinds defaulted and validated; field manager conflicts and --force-conflicts; diff
// --server-side; client-side apply (strategic merge on a Deployment, merge on a CR); the three
// patch types incl. the status subresource; invalid and unknown-field objects refused.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crdFiles } from "./crd-fixtures.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { kubectlOk } from "./support/workloads.js";

let f: KubeFixture;

beforeAll(async () => {
  f = await startKubeFixture();
  const files = crdFiles();
  const bundle = (await Promise.all(files.map((p) => readFile(p, "utf8")))).join("\n---\n");
  const r = await f.kubectl(["apply", "--server-side", "--field-manager=hk", "-f", await f.file("crds.yaml", bundle)], { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`applying the vendored CRDs failed: ${r.stderr}`);
}, 180_000);
afterAll(async () => {
  await f.close();
});

const ok = (args: string[]): Promise<string> => kubectlOk(f, args);
const json = async (args: string[]) => JSON.parse(await ok([...args, "-o", "json"])) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLUSTER = (name: string, cp = "k8s-control-plane") => `apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata: {name: ${name}, namespace: default, labels: {cni: cilium}}
spec:
  clusterNetwork: {pods: {cidrBlocks: [10.10.128.0/17]}, services: {cidrBlocks: [10.10.96.0/20]}}
  controlPlaneRef: {apiVersion: controlplane.cluster.x-k8s.io/v1alpha3, kind: TalosControlPlane, name: ${cp}}
  infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta1, kind: HetznerCluster, name: ${name}}
`;

describe("server-side apply of the vendored CRDs and their objects", () => {
  it("serves every CRD's kinds and defaults their objects as the apiserver does", async () => {
    const kinds = await ok(["api-resources", "-o", "name"]);
    for (const r of ["clusters.cluster.x-k8s.io", "taloscontrolplanes.controlplane.cluster.x-k8s.io", "hetznerclusters.infrastructure.cluster.x-k8s.io", "applications.argoproj.io", "helmchartproxies.addons.cluster.x-k8s.io"]) expect(kinds).toContain(r);
    const objects = `${CLUSTER("k8s")}---
apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
kind: HetznerCluster
metadata: {name: k8s, namespace: default}
spec:
  controlPlaneEndpoint: {host: "", port: 6443}
  controlPlaneLoadBalancer: {region: nbg1}
  controlPlaneRegions: [nbg1]
  hcloudNetwork: {enabled: true, cidrBlock: 10.10.0.0/16, subnetCidrBlock: 10.10.64.0/25, networkZone: eu-central}
  hcloudPlacementGroups: [{name: control-plane}]
  sshKeys: {hcloud: []}
  hetznerSecretRef: {name: hetzner, key: {hcloudToken: hcloud-token}}
---
apiVersion: controlplane.cluster.x-k8s.io/v1alpha3
kind: TalosControlPlane
metadata: {name: k8s-control-plane, namespace: default}
spec:
  version: v1.32.2
  replicas: 3
  infrastructureTemplate: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta1, kind: HCloudMachineTemplate, name: k8s-control-plane}
  controlPlaneConfig: {controlplane: {generateType: controlplane, talosVersion: v1.12}}
---
apiVersion: addons.cluster.x-k8s.io/v1alpha1
kind: HelmChartProxy
metadata: {name: cilium, namespace: default}
spec: {clusterSelector: {matchLabels: {cni: cilium}}, repoURL: "https://helm.cilium.io/", chartName: cilium, version: 1.19.0, namespace: kube-system, options: {}}
`;
    const out = await ok(["apply", "--server-side", "--field-manager=hk", "-f", await f.file("objects.yaml", objects)]);
    expect(out).toContain("cluster.cluster.x-k8s.io/k8s serverside-applied");
    const hc = await json(["get", "hetznercluster", "k8s"]);
    expect(hc.spec.controlPlaneLoadBalancer).toMatchObject({ region: "nbg1", port: 6443, type: "lb11", algorithm: "round_robin", enabled: true });
    expect(hc.spec.hcloudPlacementGroups).toEqual([{ name: "control-plane", type: "spread" }]);
    const tcp = await json(["get", "taloscontrolplane", "k8s-control-plane"]);
    expect(tcp.spec.rolloutStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } });
    const hcp = await json(["get", "helmchartproxy", "cilium"]);
    expect(hcp.spec.options).toMatchObject({ enableClientCache: false });
    const cl = await json(["get", "cluster", "k8s", "--show-managed-fields"]);
    expect(cl.metadata.managedFields).toEqual([expect.objectContaining({ manager: "hk", operation: "Apply", apiVersion: "cluster.x-k8s.io/v1beta1" })]);
    expect(cl.metadata.managedFields[0].fieldsV1["f:spec"]["f:controlPlaneRef"]).toEqual({ "f:apiVersion": {}, "f:kind": {}, "f:name": {} });
  });

  it("a field another manager changed is a conflict (exit 1, the message, the --force-conflicts advice); forcing takes it back", async () => {
    const file = await f.file("conflict.yaml", CLUSTER("conflict"));
    await ok(["apply", "--server-side", "--field-manager=hk", "-f", file]);
    await ok(["patch", "cluster", "conflict", "--type=merge", "-p", '{"spec":{"controlPlaneRef":{"name":"someone-else"}}}']);
    const refused = await f.kubectl(["apply", "--server-side", "--field-manager=hk", "-f", file]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using cluster.x-k8s.io/v1beta1: .spec.controlPlaneRef.name');
    expect(refused.stderr).toContain("--force-conflicts");
    const other = await f.kubectl(["apply", "--server-side", "--field-manager=ci", "-f", await f.file("conflict-ci.yaml", CLUSTER("conflict", "ci-plane"))]);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('conflict with "kubectl-patch" using cluster.x-k8s.io/v1beta1: .spec.controlPlaneRef.name');
    await ok(["apply", "--server-side", "--field-manager=hk", "--force-conflicts", "-f", file]);
    const cl = await json(["get", "cluster", "conflict", "--show-managed-fields"]);
    expect(cl.spec.controlPlaneRef.name).toBe("k8s-control-plane");
    expect(cl.metadata.managedFields.map((m: { manager: string }) => m.manager)).toEqual(["hk"]);
  });

  it("diff --server-side exits 0 when the object is as applied, 1 with the change otherwise", async () => {
    const file = await f.file("diff.yaml", CLUSTER("diffed"));
    await ok(["apply", "--server-side", "--field-manager=hk", "-f", file]);
    const same = await f.kubectl(["diff", "--server-side", "--field-manager=hk", "-f", file]);
    expect(same.exitCode, same.stderr).toBe(0);
    const changed = await f.kubectl(["diff", "--server-side", "--field-manager=hk", "-f", await f.file("diff2.yaml", CLUSTER("diffed", "new-plane"))]);
    expect(changed.exitCode, changed.stderr).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+name: k8s-control-plane$/m);
    expect(changed.stdout).toMatch(/^\+\s+name: new-plane$/m);
    expect((await json(["get", "cluster", "diffed"])).spec.controlPlaneRef.name).toBe("k8s-control-plane");
  });
});

const DEPLOYMENT = (containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
${containers}`;

describe("server-side apply of a Deployment", () => {
  it("owns containers by name: a container the file drops goes, one another manager added stays", async () => {
    const name = (s: string) => s.replace("name: web, namespace", "name: ssa-web, namespace");
    await ok(["apply", "--server-side", "--field-manager=hk", "-f", await f.file("sdep1.yaml", name(DEPLOYMENT("      - {name: web, image: 'nginx:1'}\n      - {name: old, image: busybox}\n")))]);
    await ok(["patch", "deployment", "ssa-web", "--type=strategic", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"mesh","image":"envoy"}]}}}}']);
    await ok(["apply", "--server-side", "--field-manager=hk", "-f", await f.file("sdep2.yaml", name(DEPLOYMENT("      - {name: web, image: 'nginx:2'}\n")))]);
    const dep = await json(["get", "deployment", "ssa-web", "--show-managed-fields"]);
    // The apiserver's container defaults (imagePullPolicy, terminationMessagePath…) come along; what was applied is compared.
    expect(dep.spec.template.spec.containers).toMatchObject([{ name: "web", image: "nginx:2" }, { name: "mesh", image: "envoy" }]);
    expect(dep.spec.template.spec.containers).toHaveLength(2);
    const hk = dep.metadata.managedFields.find((m: { manager: string }) => m.manager === "hk");
    expect(hk.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]).toEqual({ 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } });
  });
});

describe("client-side apply", () => {
  it("applied twice on a Deployment, a strategic merge patch leaves exactly the new containers", async () => {
    await ok(["apply", "-f", await f.file("dep1.yaml", DEPLOYMENT("      - {name: web, image: 'nginx:1', env: [{name: A, value: '1'}, {name: B, value: '2'}]}\n      - {name: sidecar, image: busybox}\n"))]);
    const out = await ok(["apply", "-f", await f.file("dep2.yaml", DEPLOYMENT("      - {name: web, image: 'nginx:2', env: [{name: B, value: '3'}]}\n"))]);
    expect(out).toContain("deployment.apps/web configured");
    const dep = await json(["get", "deployment", "web"]);
    expect(dep.spec.template.spec.containers).toMatchObject([{ name: "web", image: "nginx:2", env: [{ name: "B", value: "3" }] }]);
    expect(dep.spec.template.spec.containers).toHaveLength(1);
    expect(dep.spec.template.spec.containers[0].env).toEqual([{ name: "B", value: "3" }]);
  });

  it("applied twice on a custom object, a merge patch removes what the file dropped", async () => {
    await ok(["apply", "-f", await f.file("cs1.yaml", CLUSTER("csa").replace("  clusterNetwork", "  paused: true\n  clusterNetwork"))]);
    expect(await ok(["apply", "-f", await f.file("cs2.yaml", CLUSTER("csa", "other-plane"))])).toContain("cluster.cluster.x-k8s.io/csa configured");
    const cl = await json(["get", "cluster", "csa"]);
    expect(cl.spec.paused).toBeUndefined();
    expect(cl.spec.controlPlaneRef.name).toBe("other-plane");
  });
});

describe("from client-side to server-side apply", () => {
  it("kubectl migrates the client-side owner to its Apply entry, so a key the file dropped goes", async () => {
    await ok(["apply", "-f", await f.file("mig1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\ndata: {a: '1', b: '2'}\n")]);
    await ok(["apply", "--server-side", "-f", await f.file("mig2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrated}\ndata: {a: '1'}\n")]);
    const cm = await json(["get", "cm", "migrated", "--show-managed-fields"]);
    expect(cm.data).toEqual({ a: "1" });
    expect(cm.metadata.managedFields.map((m: { manager: string }) => m.manager)).not.toContain("kubectl-client-side-apply");
  });
});

describe("kubectl patch", () => {
  it("merge, json and strategic on a Deployment; json on a CR; strategic on a CR is refused", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("dep-p.yaml", DEPLOYMENT("      - {name: app, image: 'nginx:1'}\n      - {name: log, image: fluent}\n").replace("name: web", "name: patched"))]);
    await ok(["patch", "deployment", "patched", "--type=merge", "-p", '{"metadata":{"labels":{"patched":"merge"}}}']);
    await ok(["patch", "deployment", "patched", "--type=strategic", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"fluent:2"}]}}}}']);
    await ok(["patch", "deployment", "patched", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":2}]']);
    const dep = await json(["get", "deployment", "patched"]);
    expect(dep.metadata.labels).toEqual({ patched: "merge" });
    expect(dep.spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual(["nginx:1", "fluent:2"]);
    expect(dep.spec.replicas).toBe(2);

    await ok(["apply", "--server-side", "-f", await f.file("cl-p.yaml", CLUSTER("patched"))]);
    await ok(["patch", "cluster", "patched", "--type=json", "-p", '[{"op":"add","path":"/spec/paused","value":true}]']);
    expect((await json(["get", "cluster", "patched"])).spec.paused).toBe(true);
    const failedTest = await f.kubectl(["patch", "cluster", "patched", "--type=json", "-p", '[{"op":"test","path":"/spec/paused","value":false}]']);
    expect(failedTest.exitCode).toBe(1);
    expect(failedTest.stderr).toContain("testing value /spec/paused failed: test failed");
    const strategic = await f.kubectl(["patch", "cluster", "patched", "--type=strategic", "-p", '{"spec":{"paused":false}}']);
    expect(strategic.exitCode).toBe(1);
    expect(strategic.stderr).toContain("error: application/strategic-merge-patch+json is not supported by cluster.x-k8s.io/v1beta1, Kind=Cluster: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
  });

  it("--subresource=status writes only .status; the main resource ignores it", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("cl-s.yaml", CLUSTER("status"))]);
    await ok(["patch", "cluster", "status", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Provisioned"},"spec":{"paused":true}}']);
    await ok(["patch", "cluster", "status", "--type=merge", "-p", '{"status":{"phase":"Deleting"}}']);
    const cl = await json(["get", "cluster", "status", "--show-managed-fields"]);
    expect(cl.status.phase).toBe("Provisioned");
    expect(cl.spec.paused).toBeUndefined();
    expect(cl.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: "kubectl-patch", operation: "Update", subresource: "status", fieldsV1: { "f:status": { "f:phase": {} } } }));
  });
});

describe("refused objects", () => {
  it("an invalid object is 422, printed as kubectl prints Invalid", async () => {
    const r = await f.kubectl(["apply", "--server-side", "-f", await f.file("bad.yaml", "apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: bad}\nspec: {paused: string, topology: {version: v1.32.2}}\n")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('The Cluster "bad" is invalid:');
    expect(r.stderr).toContain('* spec.paused: Invalid value: "string": spec.paused in body must be of type boolean: "string"');
    expect(r.stderr).toContain("* spec.topology.class: Required value");
    expect((await f.kubectl(["get", "cluster", "bad"])).exitCode).toBe(1);
  });

  it("an unknown field with --validate=strict is a 400 strict decoding error", async () => {
    const r = await f.kubectl(["create", "--validate=strict", "-f", await f.file("unknown.yaml", CLUSTER("unknown").replace("  clusterNetwork", "  bogusField: 1\n  clusterNetwork"))]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error from server (BadRequest): error when creating');
    expect(r.stderr).toContain('Cluster in version "v1beta1" cannot be handled as a Cluster: strict decoding error: unknown field "spec.bogusField"');
  });
});
