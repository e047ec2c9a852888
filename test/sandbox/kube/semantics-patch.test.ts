// JSON, merge and strategic merge patches: named cases of what each does to an object, and the
// apiserver's answers when one cannot be applied.
import { describe, expect, it } from "vitest";
import { applyPatch, PatchError, type PatchType } from "../../../src/sandbox/kube/semantics/patch.js";
import type { KindInfo, KubeObject } from "../../../src/sandbox/kube/types.js";

const kindInfo = (kind: string, builtin: boolean): KindInfo => ({
  group: builtin ? "apps" : "cluster.x-k8s.io", version: "v1", kind, listKind: `${kind}List`, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase(),
  namespaced: true, shortNames: [], categories: [], verbs: [], subresources: { status: true }, builtin, hasGeneration: true,
});
const DEPLOYMENT = kindInfo("Deployment", true);
const SERVICE = kindInfo("Service", true);
const CLUSTER = kindInfo("Cluster", false);

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { app: "web", tier: "front" }, finalizers: ["a", "b"] },
  spec: {
    replicas: 1,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } },
    template: { spec: {
      containers: [
        { name: "web", image: "nginx:1", env: [{ name: "A", value: "1" }, { name: "B", value: "2" }], ports: [{ containerPort: 80 }], args: ["x", "y"] },
        { name: "sidecar", image: "busybox" },
      ],
      tolerations: [{ key: "a", operator: "Exists" }],
      volumes: [{ name: "data", emptyDir: {} }],
    } },
  },
});
/** The value at a dotted path ("spec.template.spec.volumes"), for assertions. */
const dig = (o: unknown, path: string): unknown => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
type Item = Record<string, unknown>;
const containers = (o: KubeObject) => dig(o, "spec.template.spec.containers") as Item[];

const strategicCases: { name: string; patch: unknown; check: (o: KubeObject) => void }[] = [
  { name: "maps merge and null deletes a key", patch: { metadata: { labels: { tier: null, new: "x" } } }, check: (o) => expect(o.metadata.labels).toEqual({ app: "web", new: "x" }) },
  { name: "containers merge by name", patch: { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:2" }] } } } }, check: (o) => {
    expect(containers(o).map((c) => [c.name, c.image])).toEqual([["web", "nginx:2"], ["sidecar", "busybox"]]);
    expect(containers(o)[0]?.env).toHaveLength(2);
  } },
  { name: "a new container is appended", patch: { spec: { template: { spec: { containers: [{ name: "log", image: "fluent" }] } } } }, check: (o) => expect(containers(o).map((c) => c.name)).toEqual(["web", "sidecar", "log"]) },
  { name: "env merges by name inside a container", patch: { spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "B", value: "two" }, { name: "C", value: "3" }] }] } } } }, check: (o) => expect(containers(o)[0]?.env).toEqual([{ name: "A", value: "1" }, { name: "B", value: "two" }, { name: "C", value: "3" }]) },
  { name: "ports merge by containerPort", patch: { spec: { template: { spec: { containers: [{ name: "web", ports: [{ containerPort: 80, name: "http" }, { containerPort: 443 }] }] } } } }, check: (o) => expect(containers(o)[0]?.ports).toEqual([{ containerPort: 80, name: "http" }, { containerPort: 443 }]) },
  { name: "$patch: delete removes one keyed item", patch: { spec: { template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } } } }, check: (o) => expect(containers(o).map((c) => c.name)).toEqual(["web"]) },
  { name: "$patch: replace in a list replaces it whole", patch: { spec: { template: { spec: { containers: [{ $patch: "replace" }, { name: "only", image: "x" }] } } } }, check: (o) => expect(containers(o)).toEqual([{ name: "only", image: "x" }]) },
  { name: "$patch: replace on a map replaces it whole", patch: { spec: { strategy: { $patch: "replace", type: "Recreate" } } }, check: (o) => expect(dig(o, "spec.strategy")).toEqual({ type: "Recreate" }) },
  { name: "$patch: delete on a map removes it", patch: { spec: { strategy: { $patch: "delete" } } }, check: (o) => expect(o.spec).not.toHaveProperty("strategy") },
  { name: "$retainKeys keeps only the listed keys", patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } }, check: (o) => expect(dig(o, "spec.strategy")).toEqual({ type: "Recreate" }) },
  { name: "finalizers merge as a set", patch: { metadata: { finalizers: ["b", "c"] } }, check: (o) => expect(o.metadata.finalizers).toEqual(["a", "b", "c"]) },
  { name: "$deleteFromPrimitiveList removes values", patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } }, check: (o) => expect(o.metadata.finalizers).toEqual(["b"]) },
  { name: "$setElementOrder orders a keyed list", patch: { spec: { template: { spec: { "$setElementOrder/containers": [{ name: "sidecar" }, { name: "web" }], containers: [{ name: "web", image: "nginx:3" }] } } } }, check: (o) => expect(containers(o).map((c) => `${c.name}=${c.image}`)).toEqual(["sidecar=busybox", "web=nginx:3"]) },
  { name: "atomic lists (tolerations, args) are replaced", patch: { spec: { template: { spec: { tolerations: [{ key: "b", operator: "Exists" }], containers: [{ name: "web", args: ["z"] }] } } } }, check: (o) => {
    expect(dig(o, "spec.template.spec.tolerations")).toEqual([{ key: "b", operator: "Exists" }]);
    expect(containers(o)[0]?.args).toEqual(["z"]);
  } },
  { name: "volumes merge by name", patch: { spec: { template: { spec: { volumes: [{ name: "cache", emptyDir: {} }] } } } }, check: (o) => expect((dig(o, "spec.template.spec.volumes") as Item[]).map((v) => v.name)).toEqual(["data", "cache"]) },
];

describe("strategic merge patch", () => {
  it.each(strategicCases)("$name", ({ patch, check }) => {
    const before = deployment();
    check(applyPatch("strategic", before, patch, DEPLOYMENT));
    expect(before).toEqual(deployment());
  });
  it("Service ports merge by port", () => {
    const svc: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    const out = applyPatch("strategic", svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } }, SERVICE);
    expect(dig(out, "spec.ports")).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });
  it("an item of a keyed list without its merge key is refused", () => {
    expect(() => applyPatch("strategic", deployment(), { spec: { template: { spec: { containers: [{ image: "nginx" }] } } } }, DEPLOYMENT)).toThrow(
      expect.objectContaining({ code: 422, message: "map: map[image:nginx] does not contain declared merge key: name" }),
    );
  });
  it("is refused on a custom resource with 415", () => {
    expect(() => applyPatch("strategic", deployment(), {}, CLUSTER)).toThrow(expect.objectContaining({ code: 415, message: expect.stringContaining("the body of the request was in an unknown format") }));
  });
});

describe("merge patch", () => {
  it("merges maps, replaces lists, null deletes", () => {
    const out = applyPatch("merge", deployment(), { metadata: { labels: { tier: null } }, spec: { template: { spec: { containers: [{ name: "x" }] } } } }, CLUSTER);
    expect(out.metadata.labels).toEqual({ app: "web" });
    expect(containers(out)).toEqual([{ name: "x" }]);
  });
  it("a body that is not an object is a 400", () => {
    expect(() => applyPatch("merge", deployment(), [1], CLUSTER)).toThrow(PatchError);
  });
});

const jsonCases: { name: string; ops: unknown; code?: number; message?: string; check?: (o: KubeObject) => void }[] = [
  { name: "add, replace, remove, test that holds", ops: [{ op: "test", path: "/spec/replicas", value: 1 }, { op: "replace", path: "/spec/replicas", value: 3 }, { op: "add", path: "/metadata/labels/x", value: "y" }, { op: "remove", path: "/metadata/labels/tier" }], check: (o) => {
    expect(dig(o, "spec.replicas")).toBe(3);
    expect(o.metadata.labels).toEqual({ app: "web", x: "y" });
  } },
  { name: "append to a list with -", ops: [{ op: "add", path: "/metadata/finalizers/-", value: "c" }], check: (o) => expect(o.metadata.finalizers).toEqual(["a", "b", "c"]) },
  { name: "a failed test", ops: [{ op: "test", path: "/spec/replicas", value: 2 }], code: 422, message: "testing value /spec/replicas failed: test failed" },
  { name: "remove of a missing path", ops: [{ op: "remove", path: "/spec/paused" }], code: 422, message: 'remove operation does not apply: doc is missing path: "/spec/paused": missing value' },
  { name: "replace of a missing key", ops: [{ op: "replace", path: "/spec/paused", value: true }], code: 422, message: "replace operation does not apply: doc is missing key: /spec/paused: missing value" },
  { name: "add under a missing parent", ops: [{ op: "add", path: "/spec/nope/deeper", value: 1 }], code: 422, message: 'add operation does not apply: doc is missing path: "/spec/nope/deeper": missing value' },
  { name: "a body that is not a list", ops: { op: "add" }, code: 400, message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch" },
];

describe("JSON patch", () => {
  it.each(jsonCases)("$name", ({ ops, code, message, check }) => {
    const run = () => applyPatch("json" as PatchType, deployment(), ops, CLUSTER);
    if (check) return check(run());
    expect(run).toThrow(expect.objectContaining({ code, message }));
  });
  it("takes the body as JSON text too", () => {
    expect(dig(applyPatch("json", deployment(), '[{"op":"replace","path":"/spec/replicas","value":5}]', CLUSTER), "spec.replicas")).toBe(5);
  });
});
