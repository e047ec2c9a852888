// A wait whose watch comes back to a server that no longer has its resourceVersion (an API server
// started again from its stored objects: its history begins later) gets 410 Expired, lists again
// and carries on, instead of failing or missing the change.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KubeClient, waitForObject } from "../../../src/providers/kube/index.js";
import { kubeconfigYaml, startKubeApiServer, type KubeApiServer } from "../../../src/sandbox/kube/index.js";
import { testPki } from "../../sandbox/kube/support/kube-server.js";

const servers: KubeApiServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("a wait across an expired resourceVersion", () => {
  it("relists on 410 and sees the change", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hk-kube-relist-"));
    dirs.push(dir);
    const pki = await testPki();
    const dataFile = join(dir, "objects.json");
    const first = await startKubeApiServer({ name: "t", dataFile, pki, serverVersion: "v1.33.1", faults: undefined });
    const kubeconfig = join(dir, "kubeconfig");
    await writeFile(kubeconfig, kubeconfigYaml({ name: "kind-t", server: first.url, pki }));
    const lists: string[] = [];
    const kube = KubeClient.fromKubeconfig(kubeconfig, undefined, { onRequest: (m, u) => m === "GET" && u.includes("fieldSelector") && lists.push(u) });
    let opened = 0;
    const waiting = waitForObject(kube, { apiVersion: "v1", kind: "ConfigMap", name: "late", namespace: "default" }, (o) => o !== undefined, {
      timeoutMs: 60_000,
      what: "exist",
      onWatchOpen: () => opened++,
    });
    await until(() => opened === 1, "the first watch to open");
    // Writes the watch does not see move the server's resourceVersion past the watch's.
    for (let i = 0; i < 5; i++) first.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `other-${i}`, namespace: "default" } }, "test");
    const port = first.port;
    await first.close();
    const second = await startKubeApiServer({ name: "t", dataFile, pki, serverVersion: "v1.33.1", faults: undefined, port });
    servers.push(second);
    // The resumed watch is told 410 and the wait lists again, then watches from the new list.
    await until(() => lists.length === 2 && opened >= 2, "the relist after 410 and a new watch");
    second.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late", namespace: "default" }, data: { a: "1" } }, "test");
    const got = await waiting;
    expect(got?.data).toEqual({ a: "1" });
    expect(lists).toHaveLength(2);
  }, 90_000);
});
