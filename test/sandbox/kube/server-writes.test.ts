// Writes on the wire: Status errors with the apiserver's reasons and messages, server-side apply
// wired to its field managers (409 Conflict, force, 201/200), dryRun, no-op writes, generation,
// status and scale subresources, Secret stringData, fieldValidation, finalizer answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { KubeObject } from "../../../src/sandbox/kube/types.js";
import { kubeRequest, type RequestInput } from "./support/kube-http.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { WIDGET_CRD } from "./support/widget-crd.js";

let f: KubeFixture;
const call = (path: string, input: RequestInput = {}) => kubeRequest(f.server.url, f.pki, path, input);
const W = "/apis/example.com/v1/namespaces/default/widgets";
const APPLY = "application/apply-patch+yaml";
const MERGE = "application/merge-patch+json";
const widget = (name: string, spec: Record<string, unknown> = { size: "small" }, meta: Record<string, unknown> = {}) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name, ...meta }, spec });

beforeAll(async () => {
  f = await startKubeFixture();
  f.server.api.create(parse(WIDGET_CRD) as KubeObject, "test");
});
afterAll(async () => {
  await f.close();
});

describe("Status errors", () => {
  it("words NotFound, AlreadyExists, Conflict, BadRequest and MethodNotAllowed as the apiserver does", async () => {
    const nf = await call(`${W}/nope`);
    expect([nf.status, nf.json.reason, nf.json.message, nf.json.details]).toEqual([404, "NotFound", 'widgets.example.com "nope" not found', { name: "nope", group: "example.com", kind: "widgets" }]);
    expect((await call(W, { method: "POST", body: widget("e1") })).status).toBe(201);
    const dup = await call(W, { method: "POST", body: widget("e1") });
    expect([dup.status, dup.json.reason, dup.json.message]).toEqual([409, "AlreadyExists", 'widgets.example.com "e1" already exists']);
    const stale = await call(`${W}/e1`, { method: "PUT", body: widget("e1", { size: "large" }, { resourceVersion: "1" }) });
    expect([stale.status, stale.json.reason, stale.json.message]).toEqual([
      409,
      "Conflict",
      'Operation cannot be fulfilled on widgets.example.com "e1": the object has been modified; please apply your changes to the latest version and try again',
    ]);
    const field = await call(`${W}?fieldSelector=spec.size%3Dsmall`);
    expect([field.status, field.json.reason, field.json.message]).toEqual([400, "BadRequest", "field label not supported: spec.size"]);
    expect((await call(`${W}?labelSelector=${encodeURIComponent("a in (b")}`)).status).toBe(400);
    expect((await call(`${W}/e1`, { method: "POST", body: widget("e1") })).json.reason).toBe("MethodNotAllowed");
    const proto = await call(W, { method: "POST", body: "x", contentType: "application/vnd.kubernetes.protobuf" });
    expect([proto.status, proto.json.reason]).toEqual([415, "UnsupportedMediaType"]);
    const strategic = await call(`${W}/e1`, { method: "PATCH", body: { spec: {} }, contentType: "application/strategic-merge-patch+json" });
    expect([strategic.status, strategic.json.reason]).toEqual([415, "UnsupportedMediaType"]);
    const nsMissing = await call("/api/v1/namespaces/nowhere/configmaps", { method: "POST", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } });
    expect([nsMissing.status, nsMissing.json.message]).toEqual([404, 'namespaces "nowhere" not found']);
  });

  it("refuses invalid custom objects with 422 causes, and unknown fields per fieldValidation", async () => {
    const bad = await call(W, { method: "POST", body: widget("bad", { size: "huge" }) });
    expect([bad.status, bad.json.reason]).toEqual([422, "Invalid"]);
    expect(bad.json.message).toMatch(/^Widget\.example\.com "bad" is invalid: spec\.size: Unsupported value: "huge"/);
    expect((bad.json.details as { causes: { field: string }[] }).causes.map((c) => c.field)).toEqual(["spec.size"]);

    const strict = await call(`${W}?fieldValidation=Strict`, { method: "POST", body: widget("u1", { size: "small", bogus: 1 }) });
    expect([strict.status, strict.json.message]).toEqual([400, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"']);
    const warn = await call(`${W}?fieldValidation=Warn`, { method: "POST", body: widget("u2", { size: "small", bogus: 1 }) });
    expect([warn.status, warn.headers.warning]).toEqual([201, '299 - "unknown field \\"spec.bogus\\""']);
    expect((warn.json.spec as Record<string, unknown>).bogus).toBeUndefined();
    const ignore = await call(`${W}?fieldValidation=Ignore`, { method: "POST", body: widget("u3", { size: "small", bogus: 1 }) });
    expect([ignore.status, ignore.headers.warning]).toEqual([201, undefined]);
  });
});

describe("server-side apply", () => {
  it("needs a field manager, answers 201 then 200, and a conflict is a 409 unless forced", async () => {
    const noManager = await call(`${W}/ssa`, { method: "PATCH", body: widget("ssa"), contentType: APPLY });
    expect([noManager.status, noManager.json.message]).toEqual([422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch']);
    expect((await call(`${W}/ssa?fieldManager=a`, { method: "PATCH", body: widget("ssa"), contentType: APPLY })).status).toBe(201);
    expect((await call(`${W}/ssa?fieldManager=a`, { method: "PATCH", body: widget("ssa", { size: "small", replicas: 2 }), contentType: APPLY })).status).toBe(200);
    const conflict = await call(`${W}/ssa?fieldManager=b&force=false`, { method: "PATCH", body: widget("ssa", { size: "large" }), contentType: APPLY });
    expect([conflict.status, conflict.json.reason, conflict.json.message]).toEqual([409, "Conflict", 'Apply failed with 1 conflict: conflict with "a": .spec.size']);
    expect((conflict.json.details as { causes: unknown[] }).causes).toEqual([{ reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.size" }]);
    const forced = await call(`${W}/ssa?fieldManager=b&force=true`, { method: "PATCH", body: widget("ssa", { size: "large" }), contentType: APPLY });
    expect([forced.status, (forced.json.spec as { size: string }).size]).toEqual([200, "large"]);
  });

  it("persists nothing under dryRun=All", async () => {
    const dry = await call(`${W}?dryRun=All`, { method: "POST", body: widget("dry") });
    expect([dry.status, (dry.json.metadata as { name: string }).name]).toEqual([201, "dry"]);
    const dryApply = await call(`${W}/dry2?fieldManager=hk&dryRun=All`, { method: "PATCH", body: widget("dry2"), contentType: APPLY });
    expect(dryApply.status).toBe(201);
    expect([(await call(`${W}/dry`)).status, (await call(`${W}/dry2`)).status]).toEqual([404, 404]);
  });
});

describe("object bookkeeping", () => {
  it("keeps the resourceVersion and sends no event when a write changes nothing, and bumps generation on spec changes only", async () => {
    const made = await call(W, { method: "POST", body: widget("gen") });
    const meta = made.json.metadata as { resourceVersion: string; generation: number };
    expect(meta.generation).toBe(1);
    const events: string[] = [];
    const stop = f.server.api.watch("example.com/v1", "Widget", (e) => events.push(`${e.type} ${e.object.metadata.name ?? ""}`));
    const same = await call(`${W}/gen`, { method: "PUT", body: made.json });
    expect((same.json.metadata as { resourceVersion: string }).resourceVersion).toBe(meta.resourceVersion);
    const labelled = await call(`${W}/gen`, { method: "PATCH", body: { metadata: { labels: { a: "b" } } }, contentType: MERGE });
    expect((labelled.json.metadata as { generation: number }).generation).toBe(1);
    const status = await call(`${W}/gen/status`, { method: "PATCH", body: { status: { replicas: 3 } }, contentType: MERGE });
    expect([(status.json.metadata as { generation: number }).generation, status.json.status]).toEqual([1, { replicas: 3 }]);
    const changed = await call(`${W}/gen`, { method: "PATCH", body: { spec: { size: "large" } }, contentType: MERGE });
    expect((changed.json.metadata as { generation: number }).generation).toBe(2);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    stop();
    expect(events).toEqual(["MODIFIED gen", "MODIFIED gen", "MODIFIED gen"]);
  });

  it("serves the scale subresource from a CRD's paths and from a Deployment's spec.replicas", async () => {
    await call(W, { method: "POST", body: widget("sc", { size: "small", replicas: 1 }) });
    const scale = await call(`${W}/sc/scale`);
    expect(scale.json).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 1 } });
    await call(`${W}/sc/scale`, { method: "PATCH", body: { spec: { replicas: 5 } }, contentType: MERGE });
    expect(((await call(`${W}/sc`)).json.spec as { replicas: number }).replicas).toBe(5);

    const deploy = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: 2, selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "x" }] } } } };
    expect((await call("/apis/apps/v1/namespaces/default/deployments", { method: "POST", body: deploy })).status).toBe(201);
    const ds = await call("/apis/apps/v1/namespaces/default/deployments/d/scale");
    expect(ds.json).toMatchObject({ spec: { replicas: 2 }, status: { selector: "app=d" } });
    const put = await call("/apis/apps/v1/namespaces/default/deployments/d/scale", { method: "PUT", body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "d", namespace: "default" }, spec: { replicas: 4 } } });
    expect(put.json).toMatchObject({ spec: { replicas: 4 } });
    expect((f.server.api.get("apps/v1", "Deployment", "default", "d")?.spec as { replicas: number }).replicas).toBe(4);
  });

  it("merges Secret stringData into base64 data and generates names", async () => {
    const s = await call("/api/v1/namespaces/default/secrets", { method: "POST", body: { apiVersion: "v1", kind: "Secret", metadata: { generateName: "tok-" }, stringData: { t: "hi" }, data: { u: "eA==" } } });
    expect(s.status).toBe(201);
    expect((s.json.metadata as { name: string }).name).toMatch(/^tok-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect([s.json.data, s.json.stringData]).toEqual([{ u: "eA==", t: "aGk=" }, undefined]);
  });

  it("answers a DELETE held by finalizers with the object (202 when orphanDependents=false)", async () => {
    await call(W, { method: "POST", body: widget("held", { size: "small" }, { finalizers: ["x/y"] }) });
    const del = await call(`${W}/held`, { method: "DELETE", body: { propagationPolicy: "Background" } });
    expect([del.status, (del.json.metadata as { deletionTimestamp?: string }).deletionTimestamp]).toEqual([200, expect.stringMatching(/Z$/)]);
    await call(W, { method: "POST", body: widget("held2", { size: "small" }, { finalizers: ["x/y"] }) });
    expect((await call(`${W}/held2`, { method: "DELETE", body: { orphanDependents: false } })).status).toBe(202);
    const plain = await call(`${W}/e1`, { method: "DELETE" });
    expect(plain.json).toMatchObject({ kind: "Status", status: "Success", details: { name: "e1", group: "example.com", kind: "widgets" } });
  });
});

describe("names and reviews", () => {
  it("refuses names that are not RFC 1123, and allows every access review", async () => {
    const bad = await call(W, { method: "POST", body: widget("Bad_Name") });
    expect([bad.status, bad.json.reason]).toEqual([422, "Invalid"]);
    expect(bad.json.message).toMatch(/^Widget\.example\.com "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const ns = await call("/api/v1/namespaces", { method: "POST", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "a.b" } } });
    expect(ns.json.message).toMatch(/^Namespace "a\.b" is invalid: metadata\.name: Invalid value: "a\.b": a lowercase RFC 1123 label/);
    const r = await f.kubectl(["auth", "can-i", "create", "pods"]);
    expect([r.exitCode, r.stdout.trim()]).toEqual([0, "yes"]);
  });
});
