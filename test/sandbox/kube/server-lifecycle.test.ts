// The emulated API server's life: objects kept across a stop and a start on the same port (the
// kubeconfig keeps working), restart() refusing connections for a moment, seeded faults on the
// wire, and 5,000 objects listed fast.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { kubeFaultPlanner } from "../../../src/sandbox/kube/faults.js";
import { startKubeApiServer } from "../../../src/sandbox/kube/index.js";
import { kubeRequest } from "./support/kube-http.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";

let f: KubeFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

const cm = (name: string, namespace = "default") => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: { k: name } });

/** Requests until one fails to connect (the listener is gone); bounded. */
async function untilRefused(url: string, pki: KubeFixture["pki"]): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const err = await kubeRequest(url, pki, "/version").then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code ?? e.message,
    );
    if (err === "ECONNREFUSED") return err;
  }
  throw new Error("the server never refused a connection during restart()");
}

/** Polls a bare TCP connect (no request, so no fault is drawn) until the port listens again; bounded. */
async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`port ${port} did not listen again within 10 s of a restart fault`);
}

describe("the server's life", () => {
  it("keeps its objects across a stop and a start on the same port, and the kubeconfig keeps working", async () => {
    f = await startKubeFixture();
    f.server.api.create(cm("kept"), "test");
    const rvBefore = Number(f.server.api.get("v1", "ConfigMap", "default", "kept")?.metadata.resourceVersion);
    const port = f.server.port;
    await f.server.close();
    f.server = await startKubeApiServer({ name: "test", dataFile: `${f.dir}/objects.json`, port, pki: f.pki, serverVersion: "v1.33.1", faults: undefined });
    expect(f.server.port).toBe(port);
    const r = await f.kubectl(["get", "configmap", "kept", "-o", "jsonpath={.data.k}"]);
    expect([r.exitCode, r.stdout]).toEqual([0, "kept"]);
    const next = f.server.api.create(cm("after"), "test");
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(rvBefore);
  });

  it("refuses connections during restart(), then answers on the same port", async () => {
    f = await startKubeFixture();
    const restarting = f.server.restart(500);
    expect(await untilRefused(f.server.url, f.pki)).toBe("ECONNREFUSED");
    await restarting;
    expect((await kubeRequest(f.server.url, f.pki, "/version")).status).toBe(200);
  });

  it("answers each request with the fate its seed gives it: 429 with Retry-After, 5xx Status, a dropped connection, a slow answer", async () => {
    const spec = { rate: 1, seed: 11 };
    f = await startKubeFixture({ faults: spec });
    const plan = kubeFaultPlanner(spec);
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const fate = plan();
      const answer = await kubeRequest(f.server.url, f.pki, "/api/v1/namespaces/default/configmaps").then(
        (a) => a,
        (e: NodeJS.ErrnoException) => e.code ?? e.message,
      );
      seen.add(fate?.kind ?? "none");
      if (fate?.kind === "rate_limit") {
        expect(typeof answer === "object" && [answer.status, answer.headers["retry-after"], answer.json.reason]).toEqual([429, "1", "TooManyRequests"]);
      } else if (fate?.kind === "server_error") {
        expect(typeof answer === "object" && [answer.status, answer.json.kind]).toEqual([fate.status, "Status"]);
      } else if (fate?.kind === "drop" || fate?.kind === "restart") {
        expect(typeof answer).toBe("string");
        if (fate.kind === "restart") await untilListening(f.server.port);
      } else {
        expect(typeof answer === "object" && answer.status).toBe(200);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it("holds 5,000 objects and lists them fast, through the API and kubectl", async () => {
    f = await startKubeFixture();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let n = 0; n < 10; n++) {
      f.server.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: `bulk-${n}` } }, "test");
      for (let i = 0; i < 500; i++) f.server.api.create(cm(`cm-${i}`, `bulk-${n}`), "test");
    }
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const t0 = performance.now();
    const all = await kubeRequest(f.server.url, f.pki, "/api/v1/configmaps?labelSelector=");
    const listMs = performance.now() - t0;
    expect((all.json.items as unknown[]).length).toBeGreaterThanOrEqual(5000);
    const r = await f.kubectl(["get", "configmaps", "-A", "-o", "name"]);
    expect(r.stdout.trim().split("\n").filter((l) => l.includes("/cm-")).length).toBe(5000);
    process.stdout.write(`5,000 ConfigMaps: heap +${heapMb.toFixed(0)} MB, one full list ${listMs.toFixed(0)} ms\n`);
    expect(listMs).toBeLessThan(3000);
  });
});
