// `kubectl get` human output of built-in kinds on the emulated cluster, checked as text: the
// columns of pods, deployments, services and nodes (also -o wide), storage classes, RBAC, CRDs
// (NAME, CREATED AT) and the cells the simulated controllers fill in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { WIDGET_CRD } from "./support/widget-crd.js";
import { addReadyNode, kubectlOk, tableRows } from "./support/workloads.js";

let f: KubeFixture;

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: shop, image: "nginx:1.27"}, {name: sidecar, image: "busybox:1.37"}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  type: NodePort
  selector: {app: shop}
  ports: [{port: 80, protocol: TCP}]
`;

beforeAll(async () => {
  f = await startKubeFixture();
  addReadyNode(f.server.api, "test-control-plane");
  await kubectlOk(f, ["apply", "-f", await f.file("shop.yaml", APP)]);
  await kubectlOk(f, ["rollout", "status", "deployment/shop", "--timeout=60s"]);
});
afterAll(async () => {
  await f.close();
});

/** The table of `kubectl get` that starts with `header` (several kinds print one table each). */
function section(out: string, header: RegExp): string[][] {
  const block = out.split("\n\n").find((b) => header.test(b.split("\n")[0] ?? ""));
  if (!block) throw new Error(`no table with header ${String(header)} in:\n${out}`);
  return tableRows(block);
}

// Each test runs several kubectl or helm processes, each with its own timeout below this one.
describe("kubectl get tables", { timeout: 150_000 }, () => {
  it("prints pods, deployments, services and nodes with their columns", async () => {
    const out = await kubectlOk(f, ["get", "pods,deploy,svc,nodes"]);
    const pods = section(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(pods).toHaveLength(2);
    expect(pods[1]).toEqual([expect.stringMatching(/^pod\/shop-[a-z0-9]+-[a-z0-9]{5}$/), "2/2", "Running", "0", expect.stringMatching(/^\d+s$/)]);

    const deploys = section(out, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(deploys[1]).toEqual(["deployment.apps/shop", "1/1", "1", "1", expect.stringMatching(/^\d+s$/)]);

    const services = section(out, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    const shop = services.find((r) => r[0] === "service/shop");
    expect(shop).toEqual(["service/shop", "NodePort", expect.stringMatching(/^10\.\d+\.\d+\.\d+$/), "<none>", expect.stringMatching(/^80:3\d{4}\/TCP$/), expect.stringMatching(/^\d+s$/)]);

    expect(services.find((r) => r[0] === "service/kubernetes")).toEqual(["service/kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", expect.any(String)]);

    const nodes = section(out, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(nodes[1]).toEqual(["node/test-control-plane", "Ready", "control-plane", expect.stringMatching(/^\d+s$/), "v1.33.1"]);
  });

  it("adds the priority-1 columns with -o wide", async () => {
    const nodes = tableRows(await kubectlOk(f, ["get", "nodes", "-o", "wide"]));
    expect(nodes[0]).toEqual(["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]);
    expect(nodes[1]).toEqual(["test-control-plane", "Ready", "control-plane", expect.any(String), "v1.33.1", "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-37-amd64", "containerd://2.1.1"]);

    const pods = tableRows(await kubectlOk(f, ["get", "pods", "-o", "wide"]));
    expect(pods[0]).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    expect(pods[1]?.slice(5)).toEqual([expect.stringMatching(/^10\.244\.0\.\d+$/), "test-control-plane", "<none>", "<none>"]);

    const deploys = tableRows(await kubectlOk(f, ["get", "deploy", "-o", "wide"]));
    expect(deploys[0]).toEqual(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]);
    expect(deploys[1]?.slice(5)).toEqual(["shop,sidecar", "nginx:1.27,busybox:1.37", "app=shop"]);

    const rs = tableRows(await kubectlOk(f, ["get", "rs"]));
    expect(rs[0]).toEqual(["NAME", "DESIRED", "CURRENT", "READY", "AGE"]);
    expect(rs[1]?.slice(1, 4)).toEqual(["1", "1", "1"]);
  });

  it("prints storage classes, RBAC, namespaces and CRDs as the apiserver does", async () => {
    f.server.api.apply({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "rancher.io/local-path", reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer" }, "test");
    const sc = tableRows(await kubectlOk(f, ["get", "storageclass"]));
    expect(sc[0]).toEqual(["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]);
    expect(sc[1]?.slice(0, 5)).toEqual(["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", "false"]);

    const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: default}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: default, namespace: default}, {kind: User, name: alice}]
`;
    await kubectlOk(f, ["apply", "-f", await f.file("rbac.yaml", rbac)]);
    const roles = tableRows(await kubectlOk(f, ["get", "roles"]));
    expect(roles[0]).toEqual(["NAME", "CREATED AT"]);
    expect(roles[1]).toEqual(["reader", expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);
    const bindings = tableRows(await kubectlOk(f, ["get", "rolebindings", "-o", "wide"]));
    expect(bindings[0]).toEqual(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]);
    expect(bindings[1]).toEqual(["reader", "Role/reader", expect.any(String), "alice", "default/default"]);

    await kubectlOk(f, ["apply", "-f", await f.file("crd.yaml", WIDGET_CRD)]);
    const crds = tableRows(await kubectlOk(f, ["get", "crd"]));
    expect(crds[0]).toEqual(["NAME", "CREATED AT"]);
    expect(crds[1]).toEqual(["widgets.example.com", expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);

    const ns = tableRows(await kubectlOk(f, ["get", "namespace", "default"]));
    expect(ns).toEqual([["NAME", "STATUS", "AGE"], ["default", "Active", expect.any(String)]]);
  });
});
