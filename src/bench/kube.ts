// The Kubernetes figures of `npm run bench`: a kube_objects refresh of 1,000 objects across 10
// kinds (list calls, wall time), one server-side apply of 200 objects, kubectl listing 5,000
// objects, and what the emulated API server's memory grows by holding 5,000 objects. Everything
// runs against one emulated API server in this process, over HTTPS as a real cluster is reached.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import type { Observed, StepContext } from "../engine/resource.js";
import type { JsonObject } from "../engine/values.js";
import { kubeObjectsType, type KubeObjectsInputs, type KubeObjectsOutputs } from "../resources/kube/index.js";
import { kubeconfigYaml, makeClusterPki, startKubeApiServer } from "../sandbox/kube/index.js";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const KUBECTL = fileURLToPath(new URL("../../node_modules/.hk-tools/kubectl", import.meta.url));

/** Ten kinds no simulated controller acts on, so the figures are the API's alone. */
function objectOf(kind: string, i: number): JsonObject {
  const meta = { name: `${kind.toLowerCase()}-${i}`, namespace: "bench" };
  switch (kind) {
    case "ConfigMap": return { apiVersion: "v1", kind, metadata: meta, data: { n: String(i) } };
    case "Secret": return { apiVersion: "v1", kind, metadata: meta, type: "Opaque", stringData: { n: `s${i}` } };
    case "ServiceAccount": return { apiVersion: "v1", kind, metadata: meta };
    case "Role": return { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: meta, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] };
    case "RoleBinding": return { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: meta, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `role-${i}` }, subjects: [{ kind: "ServiceAccount", name: `serviceaccount-${i}`, namespace: "bench" }] };
    case "Lease": return { apiVersion: "coordination.k8s.io/v1", kind, metadata: meta, spec: { holderIdentity: `h${i}` } };
    case "LimitRange": return { apiVersion: "v1", kind, metadata: meta, spec: { limits: [{ type: "Container", max: { cpu: "2" } }] } };
    case "NetworkPolicy": return { apiVersion: "networking.k8s.io/v1", kind, metadata: meta, spec: { podSelector: { matchLabels: { n: String(i) } }, policyTypes: ["Ingress"] } };
    case "Endpoints": return { apiVersion: "v1", kind, metadata: meta, subsets: [{ addresses: [{ ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }], ports: [{ port: 80 }] }] };
    default: return { apiVersion: "v1", kind: "ResourceQuota", metadata: meta, spec: { hard: { pods: "10" } } };
  }
}
const KINDS = ["ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding", "Lease", "LimitRange", "NetworkPolicy", "Endpoints", "ResourceQuota"];

const ctx: StepContext = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
const owner = (address: string) => ({ stack: "bench", address, lineage: "bench" });

export async function kubeBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "hk-bench-kube-"));
  const pki = await makeClusterPki("bench");
  const server = await startKubeApiServer({ name: "bench", dataFile: join(dir, "objects.json"), pki, serverVersion: "v1.33.1", faults: undefined });
  gc();
  const empty = process.memoryUsage();
  try {
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigYaml({ name: "kind-bench", server: server.url, pki }), { mode: 0o600 });
    server.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } }, "bench");
    const requests: string[] = [];
    const type = kubeObjectsType({ onRequest: (m, u) => requests.push(`${m} ${u}`) });
    const inputsOf = (objects: JsonObject[]) => type.inputs.parse({ kubeconfig, objects }) as KubeObjectsInputs;

    // One server-side apply of 200 objects (a create: 200 PATCHes, eight at a time).
    const two = inputsOf(Array.from({ length: 200 }, (_, i) => objectOf("ConfigMap", 10_000 + i)));
    let t0 = performance.now();
    await type.create(ctx, two, owner("kube_objects.two_hundred"));
    const apply200 = performance.now() - t0;

    // Refresh of 1,000 objects across 10 kinds.
    const thousand = inputsOf(KINDS.flatMap((k) => Array.from({ length: 100 }, (_, i) => objectOf(k, i))));
    t0 = performance.now();
    const made = await type.create(ctx, thousand, owner("kube_objects.thousand"));
    const apply1000 = performance.now() - t0;
    const current: Observed<KubeObjectsInputs, KubeObjectsOutputs> = { id: made.id, inputs: thousand, outputs: made.outputs };
    const times: number[] = [];
    let calls = 0;
    for (let r = 0; r < 5; r++) {
      requests.length = 0;
      t0 = performance.now();
      const read = await type.read(ctx, current);
      times.push(performance.now() - t0);
      calls = requests.length;
      if (read.status !== "found" || read.inputs.objects.length !== 1000) throw new Error("bench: the refresh did not find the 1,000 objects");
    }
    times.sort((a, b) => a - b);

    // The emulator's memory holding 5,000 objects (ConfigMaps of ~100 bytes of data each).
    // ConfigMaps up to 5,000 in namespace bench (300 are there already), for kubectl to list.
    for (let i = 0; i < 5_000 - 300; i++) server.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `bulk-${i}`, namespace: "bench" }, data: { n: String(i), pad: "x".repeat(90) } }, "bench");
    gc();
    const after = process.memoryUsage();
    const total = server.api.list("v1", "ConfigMap").length + KINDS.slice(1).reduce((a, k) => a + server.api.list(objectOf(k, 0).apiVersion as string, k).length, 0);

    // kubectl listing the 5,000 ConfigMaps of namespace bench.
    let kubectl = "kubectl: not installed (run scripts/ensure-deps --test-tools)";
    if (existsSync(KUBECTL)) {
      const home = mkdtempSync(join(tmpdir(), "hk-bench-home-"));
      const env = { PATH: process.env.PATH ?? "", HOME: home, KUBECONFIG: kubeconfig };
      // Not a blocking spawn: the API server answering kubectl runs in this process.
      const run = async (args: string[]) => {
        const t = performance.now();
        const out = await execa(KUBECTL, args, { env, extendEnv: false, maxBuffer: 256 * 2 ** 20, encoding: "buffer" });
        return { ms: performance.now() - t, bytes: out.stdout.length };
      };
      await run(["get", "ns"]); // warms kubectl's discovery cache: the figures are the list alone
      const json = await run(["get", "configmaps", "-n", "bench", "-o", "json", "--chunk-size=0"]);
      const paged = await run(["get", "configmaps", "-n", "bench", "-o", "json"]);
      const table = await run(["get", "configmaps", "-n", "bench"]);
      const cms = server.api.list("v1", "ConfigMap", "bench").length;
      kubectl = `kubectl get of ${cms} ConfigMaps: -o json ${(json.ms / 1000).toFixed(2)} s in one call (${(json.bytes / 2 ** 20).toFixed(1)} MB), -o json paged by 500 ${(paged.ms / 1000).toFixed(2)} s, table ${(table.ms / 1000).toFixed(2)} s`;
      rmSync(home, { recursive: true, force: true });
    }
    const mb = (n: number) => (n / 2 ** 20).toFixed(0);
    return [
      "| Kubernetes (emulated API server, HTTPS on loopback) | figure |",
      "|---|---|",
      `| refresh of 1,000 objects across 10 kinds (kube_objects read) | ${calls} list calls; median ${times[2]?.toFixed(0)} ms, min ${times[0]?.toFixed(0)} ms over 5 |`,
      `| server-side apply of 200 objects (one kube_objects create) | ${(apply200 / 1000).toFixed(2)} s (1,000 across 10 kinds: ${(apply1000 / 1000).toFixed(2)} s) |`,
      `| ${kubectl.split(": ")[0]} | ${kubectl.split(": ").slice(1).join(": ")} |`,
      `| emulator memory holding ${total} objects | heap +${mb(after.heapUsed - empty.heapUsed)} MB over the empty server (${((after.heapUsed - empty.heapUsed) / total / 1024).toFixed(1)} KB an object); RSS ${mb(empty.rss)} → ${mb(after.rss)} MB |`,
      "",
    ].join("\n");
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
