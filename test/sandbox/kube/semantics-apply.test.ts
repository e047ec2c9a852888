// Server-side apply and managed fields: ownership, sharing, conflicts, force, removal of fields a
// manager stops applying, Update entries of other writes, status scoping and keyed lists.
import { describe, expect, it } from "vitest";
import { applyObject, recordUpdate, type ApplyInput } from "../../../src/sandbox/kube/semantics/apply.js";
import type { JSONSchemaProps, KubeObject, ManagedFieldsEntry } from "../../../src/sandbox/kube/types.js";

const GV = "cluster.x-k8s.io/v1beta1";
const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:01:00Z";

const cluster = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: GV, kind: "Cluster", metadata: { name: "k8s", namespace: "default", ...extra }, spec });

function apply(live: KubeObject | undefined, patch: KubeObject, manager: string, more: Partial<ApplyInput> = {}): KubeObject {
  const out = applyObject({ live, patch, manager, force: false, apiVersion: GV, now: T0, hasStatusSubresource: true, ...more });
  if (!out.ok) throw new Error(`unexpected conflicts: ${JSON.stringify(out.conflicts)}`);
  return out.object;
}
const entry = (obj: KubeObject, manager: string, operation = "Apply"): ManagedFieldsEntry | undefined => obj.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

const ref = { controlPlaneRef: { kind: "TalosControlPlane", name: "cp" }, paused: false };

describe("applyObject", () => {
  it("records the applied fields as one Apply entry in fieldsV1", () => {
    const obj = apply(undefined, cluster(ref, { labels: { cni: "cilium" } }), "hk");
    expect(obj.metadata.managedFields).toEqual([{
      manager: "hk", operation: "Apply", apiVersion: GV, time: T0, fieldsType: "FieldsV1",
      fieldsV1: { "f:metadata": { "f:labels": { "f:cni": {} } }, "f:spec": { "f:controlPlaneRef": { "f:kind": {}, "f:name": {} }, "f:paused": {} } },
    }]);
    expect(obj.spec).toEqual(ref);
  });

  it("ignores managedFields and server fields sent in the body", () => {
    const obj = apply(undefined, cluster(ref, { managedFields: [{ manager: "evil", operation: "Apply", apiVersion: GV, time: T0, fieldsType: "FieldsV1", fieldsV1: { "f:spec": {} } }], uid: "x" }), "hk");
    expect(obj.metadata.managedFields?.map((e) => e.manager)).toEqual(["hk"]);
    expect(obj.metadata.uid).toBeUndefined();
  });

  it("shares ownership of an equal value", () => {
    const first = apply(undefined, cluster(ref), "hk");
    const second = apply(first, cluster({ paused: false }), "other");
    expect(entry(second, "other")?.fieldsV1).toEqual({ "f:spec": { "f:paused": {} } });
    expect(entry(second, "hk")?.fieldsV1).toEqual(entry(first, "hk")?.fieldsV1);
  });

  it("a different value owned by another manager is a conflict, named like structured-merge-diff does", () => {
    const first = apply(undefined, cluster(ref), "hk");
    const out = applyObject({ live: first, patch: cluster({ controlPlaneRef: { name: "other" } }), manager: "kubectl", force: false, apiVersion: GV, now: T1, hasStatusSubresource: true });
    expect(out).toEqual({ ok: false, conflicts: [{ manager: "hk", apiVersion: GV, field: ".spec.controlPlaneRef.name" }] });
  });

  it("force takes the field over: the old owner loses it", () => {
    const first = apply(undefined, cluster(ref), "hk");
    const forced = apply(first, cluster({ controlPlaneRef: { name: "other" } }), "kubectl", { force: true });
    expect((forced.spec as { controlPlaneRef: unknown }).controlPlaneRef).toEqual({ kind: "TalosControlPlane", name: "other" });
    expect(entry(forced, "hk")?.fieldsV1).toEqual({ "f:spec": { "f:controlPlaneRef": { "f:kind": {} }, "f:paused": {} } });
    expect(entry(forced, "kubectl")?.fieldsV1).toEqual({ "f:spec": { "f:controlPlaneRef": { "f:name": {} } } });
  });

  it("a field the manager stops applying is removed, unless another manager owns it too", () => {
    const first = apply(undefined, cluster(ref, { labels: { a: "1", b: "2" } }), "hk");
    const shared = apply(first, cluster({}, { labels: { b: "2" } }), "other");
    const next = apply(shared, cluster({ controlPlaneRef: { kind: "TalosControlPlane", name: "cp" } }), "hk");
    expect(next.spec).toEqual({ controlPlaneRef: { kind: "TalosControlPlane", name: "cp" } });
    expect(next.metadata.labels).toEqual({ b: "2" });
  });

  it("a map emptied by removal goes with its last field", () => {
    const first = apply(undefined, cluster(ref, { labels: { a: "1" } }), "hk");
    expect(apply(first, cluster(ref), "hk").metadata).not.toHaveProperty("labels");
  });

  it("an apply that changes nothing keeps the entry's time", () => {
    const first = apply(undefined, cluster(ref), "hk");
    const again = apply(first, cluster(ref), "hk", { now: T1 });
    expect(again).toEqual(first);
  });

  it("the main resource ignores .status; /status applies only .status", () => {
    const first = apply(undefined, { ...cluster(ref), status: { phase: "Provisioned" } }, "hk");
    expect(first).not.toHaveProperty("status");
    const status = apply(first, { ...cluster({ paused: true }), status: { phase: "Provisioned" } }, "capi", { subresource: "status" });
    expect(status.status).toEqual({ phase: "Provisioned" });
    expect((status.spec as { paused: boolean }).paused).toBe(false);
    expect(entry(status, "capi")).toMatchObject({ subresource: "status", fieldsV1: { "f:status": { "f:phase": {} } } });
  });

  it("without a status subresource, .status is applied like any field", () => {
    expect(apply(undefined, { ...cluster({}), status: { a: 1 } }, "hk", { hasStatusSubresource: false }).status).toEqual({ a: 1 });
  });
});

const deployment = (containers: Record<string, unknown>[]): KubeObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { template: { spec: { containers } } } });
const containersOf = (o: KubeObject) => (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;

describe("applyObject with keyed lists", () => {
  it("owns containers item by item (k:{\"name\":...} with \".\"), so two managers can each own one", () => {
    const first = apply(undefined, deployment([{ name: "web", image: "nginx:1" }]), "hk", { apiVersion: "apps/v1" });
    expect(entry(first, "hk")?.fieldsV1).toEqual({ "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } } } } });
    const second = apply(first, deployment([{ name: "sidecar", image: "busybox" }]), "mesh", { apiVersion: "apps/v1" });
    expect(containersOf(second).map((c) => c.name)).toEqual(["web", "sidecar"]);
    const dropped = apply(second, deployment([]), "mesh", { apiVersion: "apps/v1" });
    expect(containersOf(dropped).map((c) => c.name)).toEqual(["web"]);
  });

  it("an item the manager stops applying stays, with its key, while another manager owns a field of it", () => {
    const first = apply(undefined, deployment([{ name: "web", image: "nginx:1" }, { name: "old", image: "busybox", args: ["a"] }]), "hk");
    const patched = recordUpdate(first, deployment([{ name: "web", image: "nginx:1" }, { name: "old", image: "busybox:2", args: ["a"] }]), "kubectl-patch", "apps/v1", T1, { hasStatusSubresource: true });
    const next = apply({ ...patched, metadata: { ...patched.metadata } }, deployment([{ name: "web", image: "nginx:1" }]), "hk");
    expect(containersOf(next)).toEqual([{ name: "web", image: "nginx:1" }, { name: "old", image: "busybox:2" }]);
  });

  it("a conflict inside a keyed item names the item by its key", () => {
    const first = apply(undefined, deployment([{ name: "web", image: "nginx:1" }]), "hk");
    const out = applyObject({ live: first, patch: deployment([{ name: "web", image: "nginx:2" }]), manager: "ci", force: false, apiVersion: "apps/v1", now: T0, hasStatusSubresource: true });
    expect(out.ok ? [] : out.conflicts.map((c) => c.field)).toEqual(['.spec.template.spec.containers[name="web"].image']);
  });

  it("finalizers are a set: values owned one by one", () => {
    const obj = apply(undefined, { apiVersion: GV, kind: "Cluster", metadata: { name: "k8s", finalizers: ["a"] } }, "hk");
    expect(entry(obj, "hk")?.fieldsV1).toEqual({ "f:metadata": { "f:finalizers": { 'v:"a"': {} } } });
  });
});

describe("recordUpdate", () => {
  it("a create records every field it set as an Update entry", () => {
    const obj = recordUpdate(undefined, cluster(ref), "kubectl-create", GV, T0, { hasStatusSubresource: true });
    expect(obj.metadata.managedFields).toEqual([{ manager: "kubectl-create", operation: "Update", apiVersion: GV, time: T0, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:controlPlaneRef": { "f:kind": {}, "f:name": {} }, "f:paused": {} } } }]);
  });

  it("a patch takes the fields it changed from their owner, so the next apply of the old value conflicts", () => {
    const applied = apply(undefined, cluster(ref), "hk");
    const patched = recordUpdate(applied, cluster({ ...ref, controlPlaneRef: { kind: "TalosControlPlane", name: "patched" } }, { managedFields: applied.metadata.managedFields }), "kubectl-patch", GV, T1, { hasStatusSubresource: true });
    expect(entry(patched, "kubectl-patch", "Update")?.fieldsV1).toEqual({ "f:spec": { "f:controlPlaneRef": { "f:name": {} } } });
    expect(entry(patched, "hk")?.fieldsV1).toEqual({ "f:spec": { "f:controlPlaneRef": { "f:kind": {} }, "f:paused": {} } });
    const out = applyObject({ live: patched, patch: cluster(ref), manager: "hk", force: false, apiVersion: GV, now: T1, hasStatusSubresource: true });
    expect(out).toEqual({ ok: false, conflicts: [{ manager: "kubectl-patch", apiVersion: GV, field: ".spec.controlPlaneRef.name" }] });
  });

  it("a write that changes nothing leaves the object as it was", () => {
    const first = recordUpdate(undefined, cluster(ref), "kubectl-create", GV, T0, { hasStatusSubresource: true });
    expect(recordUpdate(first, first, "kubectl-replace", GV, T1, { hasStatusSubresource: true })).toEqual(first);
  });

  it("the main resource keeps the live .status; /status keeps everything else", () => {
    const live = { ...cluster(ref), status: { phase: "Provisioned" } };
    const main = recordUpdate(live, { ...cluster({ paused: true }), status: { phase: "Deleting" } }, "kubectl-edit", GV, T1, { hasStatusSubresource: true });
    expect(main.status).toEqual({ phase: "Provisioned" });
    expect(main.spec).toEqual({ paused: true });
    const status = recordUpdate(live, { ...cluster({ paused: true }), status: { phase: "Deleting" } }, "capi", GV, T1, { hasStatusSubresource: true, subresource: "status" });
    expect(status.spec).toEqual(ref);
    expect(status.status).toEqual({ phase: "Deleting" });
    expect(entry(status, "capi", "Update")).toMatchObject({ subresource: "status", fieldsV1: { "f:status": { "f:phase": {} } } });
  });

  it("a create drops .status when the kind has a status subresource", () => {
    expect(recordUpdate(undefined, { ...cluster({}), status: { a: 1 } }, "m", GV, T0, { hasStatusSubresource: true })).not.toHaveProperty("status");
  });

  it("managedFields a client set with malformed paths lose those paths instead of failing the write", () => {
    const live = recordUpdate(undefined, cluster(ref), "kubectl-create", GV, T0, { hasStatusSubresource: true });
    const bad = [{ manager: "x", operation: "Update" as const, apiVersion: GV, time: T0, fieldsType: "FieldsV1" as const, fieldsV1: { "f:spec": { "k:{broken": {}, "i:0": {}, "f:paused": {} } } }];
    const out = recordUpdate(live, { ...live, metadata: { ...live.metadata, managedFields: bad } }, "kubectl", GV, T1, { hasStatusSubresource: true });
    expect(out.metadata.managedFields).toEqual([{ ...bad[0], fieldsV1: { "f:spec": { "f:paused": {} } } }]);
    expect(apply(out, cluster({ paused: false }), "hk").spec).toEqual(ref);
  });

  it("an empty managedFields list in the body changes nothing", () => {
    const live = apply(undefined, cluster(ref), "hk");
    const out = recordUpdate(live, { ...live, metadata: { ...live.metadata, managedFields: [] } }, "kubectl", GV, T1, { hasStatusSubresource: true });
    expect(out.metadata.managedFields).toEqual(live.metadata.managedFields);
  });

  it("managedFields a write changes on purpose replace the stored ones (kubectl's client-side to server-side migration); [{}] resets them", () => {
    const live = recordUpdate(undefined, cluster(ref), "kubectl-client-side-apply", GV, T0, { hasStatusSubresource: true });
    const migrated = (live.metadata.managedFields ?? []).map((e) => ({ ...e, manager: "kubectl", operation: "Apply" as const }));
    const out = recordUpdate(live, { ...live, metadata: { ...live.metadata, managedFields: migrated } }, "kubectl", GV, T1, { hasStatusSubresource: true });
    expect(out.metadata.managedFields).toEqual(migrated);
    const dropped = apply(out, cluster({ paused: false }), "kubectl");
    expect(dropped.spec).toEqual({ paused: false });
    const reset = recordUpdate(live, { ...live, metadata: { ...live.metadata, managedFields: [{} as ManagedFieldsEntry] } }, "kubectl-edit", GV, T1, { hasStatusSubresource: true });
    expect(reset.metadata).not.toHaveProperty("managedFields");
  });
});

describe("applyObject edge cases", () => {
  it("an applied null clears the field and conflicts are listed by manager, then field", () => {
    const a = apply(undefined, cluster({ x: "1" }), "a");
    const b = apply(a, cluster({ y: "1", z: "1" }), "b");
    const out = applyObject({ live: b, patch: cluster({ z: "2", y: "2", x: "2" }), manager: "c", force: false, apiVersion: GV, now: T1, hasStatusSubresource: true });
    expect(out.ok ? [] : out.conflicts.map((c) => `${c.manager} ${c.field}`)).toEqual(["a .spec.x", "b .spec.y", "b .spec.z"]);
    const cleared = apply(b, cluster({ y: null }), "b");
    expect(cleared.spec).toEqual({ x: "1" });
  });
});

describe("applyObject with a custom kind's schema", () => {
  const schema: JSONSchemaProps = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          endpoints: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" }, port: { type: "integer" } } } },
          containers: { type: "array", items: { type: "object" } },
        },
      },
    },
  };
  const obj = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec });

  it("keys x-kubernetes-list-type: map lists by their list-map-keys, and keeps other lists atomic whatever their name", () => {
    const first = apply(undefined, obj({ endpoints: [{ name: "a", port: 1 }], containers: [{ name: "x" }] }), "hk", { schema });
    expect(entry(first, "hk")?.fieldsV1).toEqual({ "f:spec": { "f:containers": {}, "f:endpoints": { 'k:{"name":"a"}': { ".": {}, "f:name": {}, "f:port": {} } } } });
    const second = apply(first, obj({ endpoints: [{ name: "b", port: 2 }] }), "ci", { schema });
    expect((second.spec as { endpoints: unknown[] }).endpoints).toEqual([{ name: "a", port: 1 }, { name: "b", port: 2 }]);
  });

  it("owns no field the schema does not know (the server prunes it), but leaves the object to the server's pruning", () => {
    const out = apply(undefined, obj({ endpoints: [], bogus: 1 }), "hk", { schema });
    expect(entry(out, "hk")?.fieldsV1).toEqual({ "f:spec": { "f:endpoints": {} } });
    expect(out.spec).toEqual({ endpoints: [], bogus: 1 });
  });
});
