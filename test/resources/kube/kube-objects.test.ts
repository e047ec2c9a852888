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
