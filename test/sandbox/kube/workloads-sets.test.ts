// Jobs, StatefulSets, DaemonSets, Services and namespaces on the emulated cluster through real
// kubectl 1.32: `kubectl wait --for=condition=complete`, `kubectl rollout status` of a
// StatefulSet and a DaemonSet, a Service's cluster IP and Endpoints, a claim bound through kind's
// WaitForFirstConsumer class, and the default ServiceAccount and kube-root-ca.crt of a new namespace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { addReadyNode, kubectlOk, waitFor } from "./support/workloads.js";

let f: KubeFixture;

beforeAll(async () => {
  f = await startKubeFixture();
  addReadyNode(f.server.api, "test-control-plane");
});
afterAll(async () => {
  await f.close();
});

interface Got {
  metadata: { name: string };
  spec: { clusterIP?: string; clusterIPs?: string[]; nodeName?: string };
  status: { phase?: string; completionTime?: string; conditions: { type: string }[] };
  items: Got[];
}
const json = async (args: string[]) => JSON.parse(await kubectlOk(f, [...args, "-o", "json"])) as Got;

// Each test runs several kubectl or helm processes, each with its own timeout below this one.
describe("workloads other than Deployments", { timeout: 150_000 }, () => {
  it("completes a Job: kubectl wait --for=condition=complete, Succeeded pods, COMPLETIONS 3/3", async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 6
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox, command: ["true"]}]
`;
    await kubectlOk(f, ["apply", "-f", await f.file("job.yaml", job)]);
    const out = await kubectlOk(f, ["wait", "--for=condition=complete", "job/migrate", "--timeout=60s"]);
    expect(out.trim()).toBe("job.batch/migrate condition met");
    const j = await json(["get", "job", "migrate"]);
    expect(j.status).toMatchObject({ succeeded: 3, ready: 0 });
    expect(j.status.completionTime).toEqual(expect.any(String));
    expect(j.status.conditions.map((c) => c.type)).toEqual(["SuccessCriteriaMet", "Complete"]);
    const pods = await json(["get", "pods", "-l", "batch.kubernetes.io/job-name=migrate"]);
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) expect(p.status.phase).toBe("Succeeded");
    expect(await kubectlOk(f, ["get", "job", "migrate"])).toMatch(/^migrate\s+Complete\s+3\/3\s+\d+s\s+\d+s$/m);
    expect(await kubectlOk(f, ["get", "pods", "-l", "batch.kubernetes.io/job-name=migrate"])).toMatch(/^migrate-\S{5}\s+0\/1\s+Completed\s+0\s+\d+s$/m);
  });

  it("rolls out a StatefulSet with ordinal pods and a claim per pod bound through WaitForFirstConsumer", async () => {
    f.server.api.apply({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "rancher.io/local-path", reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer" }, "test");
    const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "postgres:17"}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
    await kubectlOk(f, ["apply", "-f", await f.file("sts.yaml", sts)]);
    const out = await kubectlOk(f, ["rollout", "status", "statefulset/db", "--timeout=60s"]);
    expect(out).toMatch(/partitioned roll out complete: 2 new pods have been updated/);
    const pods = await json(["get", "pods", "-l", "app=db"]);
    expect(pods.items.map((p) => p.metadata.name).sort()).toEqual(["db-0", "db-1"]);
    await waitFor(f.server.api, "v1", "PersistentVolumeClaim", "both claims of db Bound", (cs) => cs.filter((c) => (c.status as { phase?: string } | undefined)?.phase === "Bound").length === 2);
    const pvcs = await kubectlOk(f, ["get", "pvc"]);
    expect(pvcs).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m);
    expect(pvcs).toMatch(/^data-db-0\s+Bound\s+pvc-\S+\s+1Gi\s+RWO\s+standard\s+<unset>\s+\d+s$/m);
    expect(await kubectlOk(f, ["get", "sts", "db"])).toMatch(/^db\s+2\/2\s+\d+s$/m);
  });

  it("rolls out a DaemonSet with one pod per Ready node", async () => {
    addReadyNode(f.server.api, "test-worker", 1);
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: "fluent-bit:3"}]}
`;
    await kubectlOk(f, ["apply", "-f", await f.file("ds.yaml", ds)]);
    expect(await kubectlOk(f, ["rollout", "status", "daemonset/agent", "--timeout=60s"])).toMatch(/daemon set "agent" successfully rolled out/);
    const pods = await json(["get", "pods", "-l", "app=agent"]);
    expect(pods.items.map((p) => p.spec.nodeName).sort()).toEqual(["test-control-plane", "test-worker"]);
    expect(await kubectlOk(f, ["get", "ds", "agent"])).toMatch(/^agent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\d+s$/m);
  });

  it("gives a Service a cluster IP from 10.96.0.0/12 and Endpoints of its ready pods", async () => {
    await kubectlOk(f, ["apply", "-f", await f.file("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports: [{name: pg, port: 5432, protocol: TCP}]\n")]);
    const [svc] = await waitFor(f.server.api, "v1", "Endpoints", "Endpoints db with two addresses", (eps) => eps.some((e) => e.metadata.name === "db" && JSON.stringify(e.subsets ?? []).split('"ip"').length === 3));
    expect(svc).toBeDefined();
    const s = await json(["get", "svc", "db"]);
    const [a, b, c] = String(s.spec.clusterIP).split(".").map(Number);
    expect([a, (b ?? 0) & 0xf0, c !== undefined]).toEqual([10, 96, true]);
    expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
    expect(await kubectlOk(f, ["get", "endpoints", "db"])).toMatch(/^db\s+10\.244\.0\.\d+:5432,10\.244\.0\.\d+:5432\s+\d+s$/m);
  });

  it("leaves a Pod no node fits Pending, and a gated one SchedulingGated, as the scheduler does", async () => {
    const pods = `apiVersion: v1
kind: Pod
metadata: {name: picky}
spec: {nodeSelector: {disk: ssd}, containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: gated}
spec: {schedulingGates: [{name: example.com/wait}], containers: [{name: c, image: nginx}]}
`;
    await kubectlOk(f, ["apply", "-f", await f.file("pending.yaml", pods)]);
    const [picky] = await waitFor(f.server.api, "v1", "Pod", "picky and gated to get a PodScheduled condition", (ps) =>
      ["picky", "gated"].every((n) => JSON.stringify(ps.find((p) => p.metadata.name === n)?.status ?? {}).includes('"PodScheduled"')),
    ).then((ps) => ps.filter((p) => p.metadata.name === "picky"));
    expect(picky?.status).toMatchObject({ phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: expect.stringMatching(/^0\/\d nodes are available: \d node\(s\) didn't match/) }] });
    const table = await kubectlOk(f, ["get", "pods", "picky", "gated"]);
    expect(table).toMatch(/^picky\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    expect(table).toMatch(/^gated\s+0\/1\s+SchedulingGated\s+0\s+\d+s$/m);
  });

  it("gives a new namespace its default ServiceAccount and kube-root-ca.crt", async () => {
    // `kubectl create namespace` would send protobuf, which the emulator does not read.
    await kubectlOk(f, ["apply", "-f", await f.file("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: fresh}\n")]);
    await waitFor(f.server.api, "v1", "ServiceAccount", "ServiceAccount fresh/default", (sas) => sas.some((sa) => sa.metadata.namespace === "fresh" && sa.metadata.name === "default"));
    expect(await kubectlOk(f, ["get", "serviceaccounts", "-n", "fresh"])).toMatch(/^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\d+s$/m);
    await waitFor(f.server.api, "v1", "ConfigMap", "ConfigMap fresh/kube-root-ca.crt", (cms) => cms.some((cm) => cm.metadata.namespace === "fresh" && cm.metadata.name === "kube-root-ca.crt"));
    const ca = await kubectlOk(f, ["get", "configmap", "kube-root-ca.crt", "-n", "fresh", "-o", "jsonpath={.data.ca\\.crt}"]);
    expect(ca).toBe(f.pki.caCert);
  });
});
