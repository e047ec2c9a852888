// Real helm 3.17 against the emulated cluster: `helm install --wait` of a small local chart (a
// Deployment, a Service, a ConfigMap) returns once the simulated controllers roll it out,
// `helm upgrade --wait` with a changed value rolls a new ReplicaSet, `helm history` shows both
// revisions, `helm list` the release, and `helm uninstall` leaves none of its objects behind.
import { resolve } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELM } from "../../support/kube-tools.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { addReadyNode, kubectlOk, waitFor } from "./support/workloads.js";

const CHART = resolve(import.meta.dirname, "../../fixtures/kube/charts/demo");
let f: KubeFixture;

async function helm(args: string[]): Promise<string> {
  const r = await execa(HELM, args, { env: f.env, extendEnv: false, reject: false, timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`helm ${args.join(" ")} exited ${r.exitCode}: ${String(r.stderr)}${String(r.stdout)}`);
  return String(r.stdout);
}

interface Item {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { replicas?: number; clusterIP?: string; template?: { spec: { containers: { image: string }[] } } };
  status: { readyReplicas?: number };
  data?: Record<string, string>;
}

async function list(kind: string, selector: string): Promise<Item[]> {
  return (JSON.parse(await kubectlOk(f, ["get", kind, "-l", selector, "-o", "json"])) as { items: Item[] }).items;
}

beforeAll(async () => {
  f = await startKubeFixture();
  addReadyNode(f.server.api, "test-control-plane");
});
afterAll(async () => {
  await f.close();
});

// Each test runs several kubectl or helm processes, each with its own timeout below this one.
describe("helm against the emulated cluster", { timeout: 150_000 }, () => {
  it("installs a chart with --wait once its Deployment is rolled out and its Service has an IP", async () => {
    const out = await helm(["install", "demo", CHART, "--namespace", "default", "--wait", "--timeout", "90s"]);
    expect(out).toMatch(/^STATUS: deployed$/m);
    expect(out).toMatch(/^REVISION: 1$/m);
    const [deploy] = await list("deployments", "app.kubernetes.io/instance=demo");
    expect(deploy?.status.readyReplicas).toBe(2);
    const [svc] = await list("services", "app.kubernetes.io/instance=demo");
    expect(svc?.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const [cm] = await list("configmaps", "app.kubernetes.io/instance=demo");
    expect(cm?.data).toEqual({ greeting: "hello" });
    expect(await kubectlOk(f, ["get", "secret", "sh.helm.release.v1.demo.v1", "-o", "jsonpath={.type}"])).toBe("helm.sh/release.v1");
  });

  it("upgrades with --wait: a changed value rolls a new ReplicaSet and helm history shows two revisions", async () => {
    const out = await helm(["upgrade", "demo", CHART, "--namespace", "default", "--wait", "--timeout", "90s", "--set", "greeting=bonjour", "--set", "image.tag=1.28"]);
    expect(out).toMatch(/^REVISION: 2$/m);
    const sets = await list("replicasets", "app.kubernetes.io/instance=demo");
    const byRevision = Object.fromEntries(sets.map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs]));
    expect(Object.keys(byRevision).sort()).toEqual(["1", "2"]);
    expect(byRevision["2"]?.spec.replicas).toBe(2);
    expect(byRevision["2"]?.spec.template?.spec.containers[0]?.image).toBe("nginx:1.28");
    expect(byRevision["1"]?.spec.replicas).toBe(0);
    const [cm] = await list("configmaps", "app.kubernetes.io/instance=demo");
    expect(cm?.data).toEqual({ greeting: "bonjour" });

    const history = await helm(["history", "demo", "--namespace", "default"]);
    expect(history).toMatch(/^REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION\s+DESCRIPTION\s*$/m);
    expect(history).toMatch(/^1\s+.+\s+superseded\s+demo-0\.1\.0\s+1\.27\s+Install complete\s*$/m);
    expect(history).toMatch(/^2\s+.+\s+deployed\s+demo-0\.1\.0\s+1\.27\s+Upgrade complete\s*$/m);

    const releases = JSON.parse(await helm(["list", "--namespace", "default", "-o", "json"])) as { name: string; revision: string; status: string; chart: string }[];
    expect(releases).toEqual([expect.objectContaining({ name: "demo", revision: "2", status: "deployed", chart: "demo-0.1.0" })]);
  });

  it("uninstalls: the release's objects and its history are gone", async () => {
    const out = await helm(["uninstall", "demo", "--namespace", "default", "--wait", "--timeout", "90s"]);
    expect(out).toMatch(/release "demo" uninstalled/);
    await waitFor(f.server.api, "v1", "Pod", "the demo pods to be deleted with their ReplicaSets", (pods) => !pods.some((p) => p.metadata.labels?.["app.kubernetes.io/instance"] === "demo"));
    for (const kind of ["deployments", "replicasets", "services", "configmaps"]) expect(await list(kind, "app.kubernetes.io/instance=demo")).toEqual([]);
    expect(await list("secrets", "owner=helm")).toEqual([]);
    expect(JSON.parse(await helm(["list", "--namespace", "default", "-o", "json"]))).toEqual([]);
  });
});
