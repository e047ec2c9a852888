// Deployments on the emulated cluster as real kubectl 1.32 sees them: `kubectl rollout status`
// after a create and after an image change (a new ReplicaSet rolls, the old one goes to 0),
// `kubectl scale` up and down, and what the objects carry (revisions, hashes, pod conditions).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { addReadyNode, kubectlOk } from "./support/workloads.js";

let f: KubeFixture;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.27", ports: [{containerPort: 80, name: http}]}
`;

interface Item {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
  spec: { replicas?: number; nodeName?: string; template?: { spec: { containers: { image: string }[] } } };
  status: { replicas?: number; readyReplicas?: number; phase?: string; podIP?: string; conditions?: { type: string; status: string; reason?: string }[] };
}

async function items(kind: string, selector: string): Promise<Item[]> {
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
describe("Deployments", { timeout: 150_000 }, () => {
  it("roll out after a create: ReplicaSet with the pod-template-hash, Ready pods on the node", async () => {
    await kubectlOk(f, ["apply", "-f", await f.file("web.yaml", DEPLOYMENT)]);
    const out = await kubectlOk(f, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(out.trim().split("\n").pop()).toBe('deployment "web" successfully rolled out');

    const [rs, ...more] = await items("replicasets", "app=web");
    expect(more).toEqual([]);
    const hash = rs?.metadata.labels?.["pod-template-hash"] ?? "";
    expect(rs?.metadata.name).toBe(`web-${hash}`);
    expect(rs?.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    expect(rs?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "Deployment", name: "web", controller: true })]);

    const pods = await items("pods", "app=web");
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.spec.nodeName).toBe("test-control-plane");
      expect(pod.status.phase).toBe("Running");
      expect(pod.status.podIP).toMatch(/^10\.244\.0\.\d+$/);
      const conds = Object.fromEntries((pod.status.conditions ?? []).map((c) => [c.type, c.status]));
      expect(conds).toMatchObject({ PodScheduled: "True", Initialized: "True", ContainersReady: "True", Ready: "True" });
    }
    const deploy = JSON.parse(await kubectlOk(f, ["get", "deployment", "web", "-o", "json"])) as Item & { metadata: { generation: number }; status: { observedGeneration: number; updatedReplicas: number; availableReplicas: number } };
    expect(deploy.status).toMatchObject({ observedGeneration: deploy.metadata.generation, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(deploy.status.conditions).toEqual([
      expect.objectContaining({ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }),
      expect.objectContaining({ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }),
    ]);
    expect(deploy.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
  });

  it("roll out a new ReplicaSet after an image change and scale the old one to 0", async () => {
    await kubectlOk(f, ["set", "image", "deployment/web", "web=nginx:1.28"]);
    const out = await kubectlOk(f, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(out.trim().split("\n").pop()).toBe('deployment "web" successfully rolled out');

    const sets = await items("replicasets", "app=web");
    expect(sets).toHaveLength(2);
    const byRevision = Object.fromEntries(sets.map((rs) => [rs.metadata.annotations?.["deployment.kubernetes.io/revision"], rs]));
    expect(byRevision["2"]?.spec.replicas).toBe(2);
    expect(byRevision["2"]?.spec.template?.spec.containers[0]?.image).toBe("nginx:1.28");
    expect(byRevision["1"]?.spec.replicas).toBe(0);
    const pods = await items("pods", "app=web");
    expect(pods.map((p) => p.metadata.labels?.["pod-template-hash"])).toEqual([byRevision["2"]?.metadata.labels?.["pod-template-hash"], byRevision["2"]?.metadata.labels?.["pod-template-hash"]]);

    const history = await kubectlOk(f, ["rollout", "history", "deployment/web"]);
    expect(history).toMatch(/^1\s+<none>$/m);
    expect(history).toMatch(/^2\s+<none>$/m);
  });

  it("roll back with kubectl rollout undo: the first ReplicaSet comes back as revision 3", async () => {
    const before = await items("replicasets", "app=web");
    const first = before.find((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "1")?.metadata.name;
    await kubectlOk(f, ["rollout", "undo", "deployment/web"]);
    await kubectlOk(f, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    const sets = await items("replicasets", "app=web");
    expect(sets).toHaveLength(2);
    const back = sets.find((rs) => rs.metadata.name === first);
    expect(back?.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "3", "deployment.kubernetes.io/revision-history": "1" });
    expect(back?.spec.replicas).toBe(2);
    expect(back?.spec.template?.spec.containers[0]?.image).toBe("nginx:1.27");
  });

  it("scale up and down with kubectl scale", async () => {
    await kubectlOk(f, ["scale", "deployment/web", "--replicas=4"]);
    await kubectlOk(f, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(await items("pods", "app=web")).toHaveLength(4);
    const table = await kubectlOk(f, ["get", "deployment", "web"]);
    expect(table).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(table).toMatch(/^web\s+4\/4\s+4\s+4\s+\d+s$/m);

    await kubectlOk(f, ["scale", "deployment/web", "--replicas=1"]);
    await kubectlOk(f, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(await items("pods", "app=web")).toHaveLength(1);
    expect(await kubectlOk(f, ["get", "deployment", "web"])).toMatch(/^web\s+1\/1\s+1\s+1\s+\d+s$/m);
  });
});
