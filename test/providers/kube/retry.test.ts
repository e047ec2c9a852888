// The client gets through an API server that fails a seeded share of requests (429 with
// Retry-After, 5xx, dropped connections, restarts), and gives up within bounds on a server that
// never answers.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient, type KubeObject } from "../../../src/providers/kube/index.js";
import { startKubeFixture, type KubeFixture } from "../../sandbox/kube/support/kube-server.js";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { kubeconfigYaml } from "../../../src/sandbox/kube/index.js";

let f: KubeFixture;
beforeAll(async () => {
  f = await startKubeFixture({ faults: { rate: 0.3, seed: 11 } });
});
afterAll(() => f?.close());

describe("retries", () => {
  it("applies, reads and lists through 429s, 5xx, drops and restarts", async () => {
    const seen: string[] = [];
    const kube = KubeClient.fromKubeconfig(f.kubeconfig, undefined, { onRequest: (m, u) => seen.push(`${m} ${u}`) });
    const names = Array.from({ length: 15 }, (_, i) => `flaky-${i}`);
    for (const name of names) {
      const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", labels: { set: "flaky" } }, data: { n: name } };
      await kube.apply(cm);
    }
    const { items } = await kube.list("v1", "ConfigMap", { labelSelector: "set=flaky", limit: 4 });
    expect(items.map((o) => o.metadata.name).sort()).toEqual([...names].sort());
    // More requests were sent than the 15 applies, 4 pages and one discovery: some were retried.
    expect(seen.length).toBeGreaterThan(20);
  }, 120_000);

  it("gives up on refused connections after its bounded tries, naming the object", async () => {
    // A port that nobody listens on: taken and released.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const path = join(f.dir, "dead.kubeconfig");
    await writeFile(path, kubeconfigYaml({ name: "dead", server: `https://127.0.0.1:${port}`, pki: f.pki }));
    let tries = 0;
    const kube = KubeClient.fromKubeconfig(path, undefined, { retry: { attempts: 3, baseMs: 10, maxMs: 20 }, onRequest: () => tries++ });
    await expect(kube.get({ apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "default" })).rejects.toThrow(
      /^ConfigMap default\/x: read failed: the API server did not answer \(.*ECONNREFUSED.*\); check that the cluster is running$/,
    );
    expect(tries).toBe(3);
  });
});
