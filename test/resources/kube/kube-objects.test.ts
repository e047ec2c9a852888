// kube_objects through the engine on an emulated cluster: plan, apply, a no-op plan, drift made
// by kubectl, an update that prunes, a failed apply, Ctrl-C during a wait, and destroy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actions } from "../../support/engine-harness.js";
import { startKubeFixture, type KubeFixture } from "../../sandbox/kube/support/kube-server.js";
import { demoObjects, kubeHarness, setStack } from "./support.js";

let f: KubeFixture;
beforeAll(async () => {
  f = await startKubeFixture();
});
afterAll(() => f?.close());

const live = (apiVersion: string, kind: string, name: string, namespace?: string) => f.server.api.get(apiVersion, kind, namespace, name);

describe("kube_objects", () => {
  it("applies a set in order, plans nothing after, shows kubectl's change as drift, updates and prunes, destroys", async () => {
    const h = kubeHarness();
    const first = await h.run(setStack(f.kubeconfig, demoObjects({ withExtra: true })));
    expect(actions(first.outcome)).toEqual(["create kube_objects.demo"]);
    expect(first.result.failed).toEqual([]);
    const web = live("apps/v1", "Deployment", "web", "demo");
    expect(web?.metadata.labels).toMatchObject({ app: "web", "hk/stack": "test", "hk/address": "kube_objects.demo" });
    expect(live("example.org/v1", "Gadget", "g1", "demo")?.spec).toEqual({ size: "small", count: 1 });
    expect(Buffer.from(String((live("v1", "Secret", "creds", "demo")?.data as Record<string, string>).token), "base64").toString()).toBe("t0ps3cret-kube");
    // The Secret's value is in neither the state, its plan, nor the events.
    expect(h.stateText()).not.toContain("t0ps3cret-kube");
    expect(h.stateText()).not.toContain(Buffer.from("t0ps3cret-kube").toString("base64"));
    expect(JSON.stringify(h.seen)).not.toContain("t0ps3cret-kube");

    expect(actions(await h.plan(setStack(f.kubeconfig, demoObjects({ withExtra: true })), h.types))).toEqual([]);

    const scaled = await f.kubectl(["scale", "deployment/web", "-n", "demo", "--replicas=5"]);
    expect(scaled.exitCode, scaled.stderr).toBe(0);
    const drifted = await h.plan(setStack(f.kubeconfig, demoObjects({ withExtra: true })), h.types);
    expect(actions(drifted)).toEqual(["update kube_objects.demo"]);
    const entry = drifted.plan.entries.find((e) => e.address === "kube_objects.demo");
    expect(entry?.changes.map((c) => `${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`)).toEqual(["objects.3.spec.replicas: 5 -> 2"]);
    expect(drifted.plan.drift.map((d) => `${d.kind} ${d.address}: ${d.changes.map((c) => `${c.path} ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`).join(", ")}`)).toEqual([
      "changed kube_objects.demo: objects.3.spec.replicas 2 -> 5",
    ]);

    const updated = await h.run(setStack(f.kubeconfig, demoObjects({ greeting: "hi", token: "n3w-s3cret" })));
    expect(updated.result.failed).toEqual([]);
    expect(live("apps/v1", "Deployment", "web", "demo")?.spec).toMatchObject({ replicas: 2 });
    expect(live("v1", "ConfigMap", "settings", "demo")?.data).toEqual({ greeting: "hi" });
    expect(live("v1", "ConfigMap", "extra", "demo")).toBeUndefined();
    expect(JSON.stringify(updated.outcome.plan)).not.toContain("n3w-s3cret");
    expect(h.stateText()).not.toContain("n3w-s3cret");
    expect(actions(await h.plan(setStack(f.kubeconfig, demoObjects({ greeting: "hi", token: "n3w-s3cret" })), h.types))).toEqual([]);

    const gone = await h.run(setStack(f.kubeconfig, demoObjects()), { mode: "destroy" });
    expect(gone.result.failed).toEqual([]);
    expect(live("v1", "Namespace", "demo")).toBeUndefined();
    expect(live("apiextensions.k8s.io/v1", "CustomResourceDefinition", "gadgets.example.org")).toBeUndefined();
    expect(live("apps/v1", "Deployment", "web", "demo")).toBeUndefined();
  }, 120_000);
});

describe("kube_objects refresh", () => {
  it("lists each kind once by label selector, never one GET per object", async () => {
    const h = kubeHarness();
    const kinds = ["ConfigMap", "Secret", "ServiceAccount"];
    const objects = kinds.flatMap((kind) =>
      Array.from({ length: 7 }, (_, i) => ({ apiVersion: "v1", kind, metadata: { name: `${kind.toLowerCase()}-${i}`, namespace: "default" }, ...(kind === "ConfigMap" ? { data: { i: String(i) } } : {}) })),
    );
    const stack = setStack(f.kubeconfig, objects);
    expect((await h.run(stack)).result.failed).toEqual([]);
    h.requests.length = 0;
    expect(actions(await h.plan(stack, h.types))).toEqual([]);
    const lists = h.requests.filter((r) => r.startsWith("GET") && r.includes("labelSelector="));
    expect(lists.map((r) => r.split("?")[0]).sort()).toEqual(["GET /api/v1/configmaps", "GET /api/v1/secrets", "GET /api/v1/serviceaccounts"]);
    expect(lists.every((r) => decodeURIComponent(r).includes("hk/address==kube_objects.demo"))).toBe(true);
    // Discovery of v1 is cached from the apply; nothing else is asked.
    expect(h.requests).toHaveLength(3);
    await h.run(stack, { mode: "destroy" });
  }, 120_000);
});

describe("kube_objects failures", () => {
  it("a refused object fails the apply with one line naming it and the field; the fixed config converges", async () => {
    const h = kubeHarness();
    const bad = demoObjects().map((o) => (o.kind === "Gadget" ? { ...o, spec: { size: "huge", count: 1 } } : o));
    const failed = await h.run(setStack(f.kubeconfig, bad));
    expect(failed.result.ok).toBe(false);
    const error = failed.result.failed[0]?.error ?? "";
    expect(error).toMatch(/^Gadget demo\/g1: apply failed: spec\.size: Unsupported value: "huge".* \(fix the object in the config and apply again\)/);
    expect(error.split("\n")).toHaveLength(1);
    expect(error).not.toMatch(/ApiException|"kind":"Status"/);
    // Namespace and CRD went first and were applied: the create says what it left (tainted), so
    // the next apply replaces the set and ends with everything in place.
    const next = await h.run(setStack(f.kubeconfig, demoObjects()));
    expect(next.result.failed).toEqual([]);
    expect(live("example.org/v1", "Gadget", "g1", "demo")?.spec).toEqual({ size: "small", count: 1 });
    expect(actions(await h.plan(setStack(f.kubeconfig, demoObjects()), h.types))).toEqual([]);
    await h.run(setStack(f.kubeconfig, demoObjects()), { mode: "destroy" });
  }, 120_000);

  it("Ctrl-C during a wait stops the step promptly; the next run converges", async () => {
    const h = kubeHarness();
    // A finalizer nobody removes: deleting the ConfigMap waits until it is gone.
    const held = [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", namespace: "default", finalizers: ["example.org/hold"] }, data: { a: "1" } }];
    expect((await h.run(setStack(f.kubeconfig, held))).result.failed).toEqual([]);
    const ctrl = new AbortController();
    const waiting = new Promise<number>((resolve) => h.bus.on((e) => e.type === "step-progress" && e.message.startsWith("waiting for") && resolve(Date.now())));
    const destroying = h.run(setStack(f.kubeconfig, held), { mode: "destroy", signal: ctrl.signal });
    const at = await waiting;
    ctrl.abort();
    const interrupted = await destroying;
    expect(Date.now() - at).toBeLessThan(5_000);
    expect(interrupted.result.ok).toBe(false);
    expect(interrupted.result.failed[0]?.error).toBe("interrupted while waiting for ConfigMap default/held to be gone");
    expect(live("v1", "ConfigMap", "held", "default")?.metadata.deletionTimestamp).toBeDefined();
    // The finalizer's controller finishes; the next destroy deletes again and sees it go.
    const cm = live("v1", "ConfigMap", "held", "default");
    f.server.api.update({ ...cm!, metadata: { ...cm!.metadata, finalizers: [] } }, "test");
    const again = await h.run(setStack(f.kubeconfig, held), { mode: "destroy" });
    expect(again.result.failed).toEqual([]);
    expect(live("v1", "ConfigMap", "held", "default")).toBeUndefined();
  }, 120_000);
});
