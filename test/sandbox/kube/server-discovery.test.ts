// Discovery and OpenAPI of the emulated API server, on the wire: the aggregated form with its
// exact Content-Type, the plain forms, /version, and a CRD served (and unserved) the moment it is
// created (and deleted), with its Established condition.
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { KubeObject } from "../../../src/sandbox/kube/types.js";
import { kubeRequest } from "./support/kube-http.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { WIDGET_CRD } from "./support/widget-crd.js";

/** The upstream CRDs as the repository vendors them (vendor/crds, copies of shared/reference/crds). */
const VENDORED_CRDS = resolve(import.meta.dirname, "../../../vendor/crds");
let f: KubeFixture;
const get = (path: string, accept?: string) => kubeRequest(f.server.url, f.pki, path, accept ? { accept } : {});
const AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const KUBECTL_ACCEPT = `${AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;

beforeAll(async () => {
  f = await startKubeFixture();
});
afterAll(async () => {
  await f.close();
});

interface AggregatedResource {
  resource: string;
  scope: string;
  shortNames?: string[];
  subresources?: { subresource: string }[];
}

describe("discovery", () => {
  it("answers aggregated discovery with its exact Content-Type, and the plain forms otherwise", async () => {
    const core = await get("/api?timeout=32s", KUBECTL_ACCEPT);
    expect(core.headers["content-type"]).toBe(AGGREGATED);
    const items = core.json.items as { metadata: { name?: string }; versions: { version: string; resources: AggregatedResource[] }[] }[];
    expect(items[0]?.metadata.name).toBeUndefined();
    const ns = items[0]?.versions[0]?.resources.find((r) => r.resource === "namespaces");
    expect([ns?.scope, ns?.shortNames]).toEqual(["Cluster", ["ns"]]);

    const groups = await get("/apis", KUBECTL_ACCEPT);
    const apps = (groups.json.items as { metadata: { name: string }; versions: { resources: AggregatedResource[] }[] }[]).find((g) => g.metadata.name === "apps");
    const deploy = apps?.versions[0]?.resources.find((r) => r.resource === "deployments");
    expect(deploy?.subresources?.map((s) => s.subresource)).toEqual(["status", "scale"]);

    expect((await get("/api")).json).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const list = await get("/apis");
    expect(list.headers["content-type"]).toBe("application/json");
    expect((list.json.groups as { name: string }[]).map((g) => g.name)).toContain("rbac.authorization.k8s.io");
    const v1 = await get("/api/v1");
    expect(v1.json.kind).toBe("APIResourceList");
    expect((v1.json.resources as { name: string }[]).map((r) => r.name)).toEqual(expect.arrayContaining(["pods", "pods/status", "secrets", "namespaces"]));
  });

  it("answers /version with the server version, and /openapi/v2 with 404", async () => {
    expect((await get("/version")).json).toMatchObject({ major: "1", minor: "33", gitVersion: "v1.33.1" });
    expect((await get("/openapi/v2")).status).toBe(404);
  });

  it("refuses a request without credentials with an Unauthorized Status", async () => {
    const r = await kubeRequest(f.server.url, f.pki, "/api/v1/namespaces", { token: false });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 });
  });
});

describe("a CRD", () => {
  it("is served at once when created: Established, discovery, OpenAPI with fieldValidation; deleting it removes its objects", async () => {
    const crd = parse(WIDGET_CRD) as KubeObject;
    const created = await kubeRequest(f.server.url, f.pki, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { method: "POST", body: crd });
    expect(created.status).toBe(201);
    const status = created.json.status as { conditions: { type: string; status: string }[]; acceptedNames: { kind: string } };
    expect(status.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(["NamesAccepted=True", "Established=True"]);
    expect(status.acceptedNames.kind).toBe("Widget");

    const gv = await get("/apis/example.com/v1");
    expect((gv.json.resources as { name: string }[]).map((r) => r.name)).toEqual(["widgets", "widgets/status", "widgets/scale"]);
    expect((await get("/apis/example.com")).json).toMatchObject({ kind: "APIGroup", preferredVersion: { groupVersion: "example.com/v1" } });
    const agg = await get("/apis", KUBECTL_ACCEPT);
    expect((agg.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toContain("example.com");

    const root = await get("/openapi/v3");
    const entry = (root.json.paths as Record<string, { serverRelativeURL: string }>)["apis/example.com/v1"];
    expect(entry?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]+$/);
    const doc = await get(entry?.serverRelativeURL ?? "");
    const patch = (doc.json.paths as Record<string, { patch?: { "x-kubernetes-group-version-kind": unknown; parameters: { name: string; in: string }[] } }>)[
      "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"
    ]?.patch;
    expect(patch?.["x-kubernetes-group-version-kind"]).toEqual({ group: "example.com", version: "v1", kind: "Widget" });
    expect(patch?.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));

    f.server.api.create({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "default" }, spec: { size: "small" } }, "test");
    const del = await kubeRequest(f.server.url, f.pki, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await get("/apis/example.com/v1")).status).toBe(404);
    expect(f.server.api.kindFor("example.com/v1", "Widget")).toBeUndefined();
    f.server.api.create(crd, "test");
    expect(f.server.api.list("example.com/v1", "Widget")).toEqual([]);
  });

  it("applies every vendored CRD with kubectl apply --server-side", async () => {
    const r = await f.kubectl(["apply", "--server-side", "-R", "-f", VENDORED_CRDS]);
    expect(r.exitCode, r.stderr).toBe(0);
    const established = f.server.api
      .list("apiextensions.k8s.io/v1", "CustomResourceDefinition")
      .filter((c) => ((c.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((x) => x.type === "Established" && x.status === "True"));
    expect(established.length).toBe(r.stdout.trim().split("\n").length + 1);
    const api = await f.kubectl(["api-resources", "--api-group=controlplane.cluster.x-k8s.io", "-o", "name"]);
    expect(api.stdout).toContain("taloscontrolplanes.controlplane.cluster.x-k8s.io");
  });
});
