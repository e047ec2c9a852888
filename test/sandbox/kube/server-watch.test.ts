// Lists and watches on the wire: synthetic ADDED events, resuming from a resourceVersion, field
// selectors, headers before any event, timeoutSeconds, 410 Expired past the history, paging with
// continue tokens, and Table answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeRequest, openWatch } from "./support/kube-http.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";

let f: KubeFixture;
const CM = "/api/v1/namespaces/watched/configmaps";
const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "watched", labels } });

beforeAll(async () => {
  f = await startKubeFixture();
  f.server.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "watched" } }, "test");
  for (const n of ["a", "b", "c"]) f.server.api.create(cm(n, { set: "abc" }), "test");
});
afterAll(async () => {
  await f.close();
});

describe("watch", () => {
  it("starts with synthetic ADDED events without a resourceVersion, then streams changes", async () => {
    const w = await openWatch(f.server.url, f.pki, `${CM}?watch=true&labelSelector=set%3Dabc`);
    expect([w.status, w.headers["content-type"]]).toEqual([200, "application/json"]);
    const first = [await w.next("ADDED a"), await w.next("ADDED b"), await w.next("ADDED c")];
    expect(first.map((e) => `${e.type} ${String(e.object.metadata?.name)}`)).toEqual(["ADDED a", "ADDED b", "ADDED c"]);
    f.server.api.update({ ...cm("a", { set: "abc", x: "1" }) }, "test");
    const mod = await w.next("MODIFIED a");
    expect([mod.type, mod.object.metadata?.name]).toEqual(["MODIFIED", "a"]);
    f.server.api.delete("v1", "ConfigMap", "watched", "b");
    expect((await w.next("DELETED b")).type).toBe("DELETED");
    w.close();
  });

  it("resumes after a resourceVersion with only what came later, filtered by field selector", async () => {
    const list = await kubeRequest(f.server.url, f.pki, CM);
    const rv = (list.json.metadata as { resourceVersion: string }).resourceVersion;
    f.server.api.create(cm("later-1"), "test");
    f.server.api.create(cm("later-2"), "test");
    const w = await openWatch(f.server.url, f.pki, `${CM}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dlater-2&allowWatchBookmarks=true`);
    const e = await w.next("ADDED later-2");
    expect([e.type, e.object.metadata?.name]).toEqual(["ADDED", "later-2"]);
    expect(Number(e.object.metadata?.resourceVersion)).toBeGreaterThan(Number(rv));
    w.close();
  });

  it("reports an object entering a label selection as ADDED and leaving it as DELETED", async () => {
    f.server.api.create(cm("mover", { stage: "one" }), "test");
    const w = await openWatch(f.server.url, f.pki, `${CM}?watch=true&labelSelector=stage%3Dtwo&resourceVersion=${f.server.api.get("v1", "ConfigMap", "watched", "mover")?.metadata.resourceVersion ?? ""}`);
    f.server.api.update(cm("mover", { stage: "two" }), "test");
    expect((await w.next("mover ADDED into stage=two")).type).toBe("ADDED");
    f.server.api.update(cm("mover", { stage: "three" }), "test");
    const out = await w.next("mover DELETED out of stage=two");
    expect([out.type, (out.object.metadata?.labels as Record<string, string>).stage]).toEqual(["DELETED", "three"]);
    w.close();
  });

  it("sends BOOKMARKs carrying the current resourceVersion when allowed", async () => {
    const w = await openWatch(f.server.url, f.pki, `${CM}?watch=true&fieldSelector=metadata.name%3Dnobody&allowWatchBookmarks=true&resourceVersion=0`);
    const e = await w.next("a BOOKMARK (sent every 5 s)", 15_000);
    expect([e.type, e.object.kind, e.object.apiVersion, Object.keys(e.object.metadata ?? {})]).toEqual(["BOOKMARK", "ConfigMap", "v1", ["resourceVersion"]]);
    w.close();
  });

  it("sends headers before any event, and ends the stream at timeoutSeconds", async () => {
    const list = await kubeRequest(f.server.url, f.pki, `${CM}?fieldSelector=metadata.name%3Dnobody`);
    const rv = (list.json.metadata as { resourceVersion: string }).resourceVersion;
    const w = await openWatch(f.server.url, f.pki, `${CM}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dnobody&timeoutSeconds=1`);
    expect(w.status).toBe(200);
    await w.ended;
  });

  it("sends one-row Tables when asked as=Table (kubectl get -w), columns on the first event only", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    const w = await openWatch(f.server.url, f.pki, `${CM}?watch=true&labelSelector=set%3Dabc`, accept);
    const first = await w.next("ADDED a as Table");
    expect([first.object.kind, Array.isArray(first.object.columnDefinitions), (first.object.rows as { cells: unknown[] }[])[0]?.cells[0]]).toEqual(["Table", true, "a"]);
    const second = await w.next("ADDED c as Table");
    expect([second.object.kind, second.object.columnDefinitions]).toEqual(["Table", undefined]);
    w.close();
  });

  it("answers a resourceVersion older than its history with an ERROR event: 410 Expired", async () => {
    await f.server.close();
    const { startKubeApiServer } = await import("../../../src/sandbox/kube/index.js");
    const again = await startKubeApiServer({ name: "test", dataFile: `${f.dir}/objects.json`, pki: f.pki, serverVersion: "v1.33.1", port: f.server.port, faults: undefined });
    f.server = again;
    const w = await openWatch(again.url, f.pki, `${CM}?watch=true&resourceVersion=2`);
    const e = await w.next("ERROR 410");
    expect([e.type, e.object.code, e.object.reason]).toEqual(["ERROR", 410, "Expired"]);
    expect(String(e.object.message)).toMatch(/^too old resource version: 2 \(\d+\)$/);
    await w.ended;
  });
});

describe("list", () => {
  it("pages with limit and continue, and refuses a continue token it did not make", async () => {
    for (let i = 0; i < 5; i++) f.server.api.create(cm(`p${i}`, { paged: "y" }), "test");
    const names: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = await kubeRequest(f.server.url, f.pki, `${CM}?labelSelector=paged%3Dy&limit=2${token ? `&continue=${token}` : ""}`);
      const meta = page.json.metadata as { continue?: string; remainingItemCount?: number };
      names.push(...(page.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
      if (pages === 0) expect(meta.remainingItemCount).toBe(3);
      token = meta.continue ?? "";
      pages++;
    } while (token && pages < 10);
    expect([names, pages]).toEqual([["p0", "p1", "p2", "p3", "p4"], 3]);
    const bad = await kubeRequest(f.server.url, f.pki, `${CM}?limit=2&continue=garbage`);
    expect([bad.status, bad.json.reason]).toEqual([400, "BadRequest"]);
  });

  it("answers as=Table with column definitions and PartialObjectMetadata rows", async () => {
    const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    const t = await kubeRequest(f.server.url, f.pki, `${CM}?labelSelector=paged%3Dy&limit=500`, { accept });
    expect(t.headers["content-type"]).toBe("application/json;as=Table;v=v1;g=meta.k8s.io");
    expect(t.json.kind).toBe("Table");
    expect((t.json.columnDefinitions as { name: string }[])[0]?.name).toBe("Name");
    const rows = t.json.rows as { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
    expect(rows.map((r) => [r.cells[0], r.object.kind])).toEqual(["p0", "p1", "p2", "p3", "p4"].map((n) => [n, "PartialObjectMetadata"]));
    const none = await kubeRequest(f.server.url, f.pki, `${CM}/p0?includeObject=None`, { accept });
    expect((none.json.rows as { object?: unknown }[])[0]?.object).toBeUndefined();
  });
});
