// hk's Kubernetes client against the emulated API server, over real HTTPS with the cluster's
// kubeconfig: apply, read, paged lists by label, delete and waits, and one-line errors.
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeClient, waitCondition, waitForObject, waitGone, type KubeObject } from "../../../src/providers/kube/index.js";
import { startKubeFixture, type KubeFixture } from "../../sandbox/kube/support/kube-server.js";
import { WIDGET_CRD } from "../../sandbox/kube/support/widget-crd.js";

let f: KubeFixture;
let requests: string[];
let kube: KubeClient;

beforeAll(async () => {
  f = await startKubeFixture();
  requests = [];
  kube = KubeClient.fromKubeconfig(f.kubeconfig, "kind-test", { onRequest: (m, u) => requests.push(`${m} ${new URL(u).pathname}${new URL(u).search}`) });
  const crd = parse(WIDGET_CRD) as KubeObject;
  await kube.apply(crd);
  await waitCondition(kube, crd, "Established", { timeoutMs: 30_000 });
});
afterAll(() => f?.close());

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { a: "1" }): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", labels },
  data,
});

describe("KubeClient", () => {
  it("applies as field manager hk, reads back, and lists by label in pages", async () => {
    for (let i = 0; i < 5; i++) await kube.apply(cm(`page-${i}`, { set: "paged" }));
    await kube.apply(cm("other", { set: "other" }));
    const got = await kube.get({ apiVersion: "v1", kind: "ConfigMap", name: "page-0", namespace: "default" });
    expect(got?.data).toEqual({ a: "1" });
    expect(got?.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`)).toContain("hk/Apply");
    requests.length = 0;
    const { items, resourceVersion } = await kube.list("v1", "ConfigMap", { labelSelector: "set=paged", limit: 2 });
    expect(items.map((o) => o.metadata.name).sort()).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4"]);
    expect(items.every((o) => o.kind === "ConfigMap" && o.apiVersion === "v1")).toBe(true);
    expect(resourceVersion).not.toBe("");
    const lists = requests.filter((r) => r.startsWith("GET /api/v1/configmaps"));
    expect(lists).toHaveLength(3);
    expect(lists[1]).toContain("continue=");
    expect(await kube.get({ apiVersion: "v1", kind: "ConfigMap", name: "nope", namespace: "default" })).toBeUndefined();
  });

  it("maps kinds through discovery once per group-version", async () => {
    requests.length = 0;
    expect(await kube.mapping("apps/v1", "Deployment")).toEqual({ plural: "deployments", namespaced: true });
    expect(await kube.mapping("apps/v1", "DaemonSet")).toEqual({ plural: "daemonsets", namespaced: true });
    expect(await kube.mapping("v1", "Namespace")).toEqual({ plural: "namespaces", namespaced: false });
    expect(requests.filter((r) => r.startsWith("GET /apis/apps/v1"))).toHaveLength(1);
    await expect(kube.mapping("example.com/v1", "Gadget")).rejects.toThrow("Gadget: discovery failed: this cluster does not serve example.com/v1 Gadget (install its CRD first, or check apiVersion and kind)");
  });

  it("turns a Status error into one line naming the object and the field", async () => {
    const bad: KubeObject = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "bad", namespace: "default" }, spec: { size: "huge", replicas: 1 } };
    const err = await kube.apply(bad).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^Widget default\/bad: apply failed: spec\.size: Unsupported value: "huge".*\(fix the object in the config and apply again\)$/);
    expect(err?.message).not.toContain("{");
    expect(err?.message.split("\n")).toHaveLength(1);
  });

  it("deletes and waits until the object is gone", async () => {
    await kube.apply(cm("doomed"));
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "doomed", namespace: "default" };
    expect(await kube.delete(ref)).toBe(true);
    await waitGone(kube, ref, { timeoutMs: 30_000 });
    expect(await kube.get(ref)).toBeUndefined();
    expect(await kube.delete(ref)).toBe(false);
  });

  it("a wait times out with a message naming what it waited for", async () => {
    await kube.apply({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "slow", namespace: "default" }, spec: { size: "small" } });
    const started = Date.now();
    await expect(waitCondition(kube, { apiVersion: "example.com/v1", kind: "Widget", name: "slow", namespace: "default" }, "Ready", { timeoutMs: 400 })).rejects.toThrow(
      "timed out after 0.4s waiting for Widget default/slow to be Ready",
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("a wait stops promptly when its signal aborts", async () => {
    const ctrl = new AbortController();
    let opened = 0;
    const waiting = waitForObject(kube, { apiVersion: "v1", kind: "ConfigMap", name: "never", namespace: "default" }, (o) => o !== undefined, {
      timeoutMs: 60_000,
      signal: ctrl.signal,
      what: "exist",
      onWatchOpen: () => opened++,
    });
    const outcome = waiting.then(() => "resolved", (e: Error) => e.message);
    await waitUntil(() => opened === 1, "the watch to open");
    const at = Date.now();
    ctrl.abort();
    expect(await outcome).toBe("interrupted while waiting for ConfigMap default/never to exist");
    expect(Date.now() - at).toBeLessThan(2_000);
  });

  it("a wait is resumed after the API server restarts under it", async () => {
    const ref = { apiVersion: "example.com/v1", kind: "Widget", name: "phoenix", namespace: "default" };
    await kube.apply({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace }, spec: { size: "small" } });
    let opened = 0;
    const waiting = waitCondition(kube, ref, "Ready", { timeoutMs: 60_000, onWatchOpen: () => opened++ });
    // The first watch is open: drop every connection for a moment; the wait must open another.
    await waitUntil(() => opened === 1, "the first watch to open");
    await f.server.restart(300);
    await waitUntil(() => opened === 2, "the watch to be resumed after the restart");
    const current = f.server.api.get(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    f.server.api.update({ ...(current as KubeObject), status: { conditions: [{ type: "Ready", status: "True" }] } } as never, "test", { subresource: "status" });
    const obj = await waiting;
    expect(obj.status).toEqual({ conditions: [{ type: "Ready", status: "True" }] });
  });
});

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
