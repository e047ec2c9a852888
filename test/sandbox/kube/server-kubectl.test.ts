// Real kubectl 1.32 against the emulated API server: the core request sequences of CLIENTS.md
// (get, -o json, jsonpath, api-resources after a CRD, create twice, apply server- and client-side,
// label selectors, paging) and wrong credentials.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeconfigYaml, makeClusterPki } from "../../../src/sandbox/kube/index.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { WIDGET_CRD, widget } from "./support/widget-crd.js";
import { kubectlOk } from "./support/workloads.js";

let f: KubeFixture;

beforeAll(async () => {
  f = await startKubeFixture();
});
afterAll(async () => {
  await f.close();
});

const ok = (args: string[]): Promise<string> => kubectlOk(f, args);

describe("kubectl against the emulated API server", () => {
  it("gets namespaces as a table, and every namespace's objects as JSON", async () => {
    const table = await ok(["get", "ns"]);
    expect(table.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+AGE$|^NAME\s+AGE$/);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) expect(table).toMatch(new RegExp(`^${ns}\\s`, "m"));

    await ok(["apply", "-f", await f.file("ns-ab.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: json-a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: json-b}\n")]);
    for (const ns of ["json-a", "json-b"]) {
      await ok(["apply", "-n", ns, "-f", await f.file(`cm-${ns}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {t: json}}\ndata: {ns: ${ns}}\n`)]);
    }
    const list = JSON.parse(await ok(["get", "configmaps", "-A", "-l", "t=json", "-o", "json"])) as { kind: string; items: { metadata: { namespace: string }; data: { ns: string } }[] };
    expect(list.kind).toBe("List");
    expect(list.items.map((i) => [i.metadata.namespace, i.data.ns])).toEqual([
      ["json-a", "json-a"],
      ["json-b", "json-b"],
    ]);
  });

  it("reads one field with -o jsonpath, and a missing object is NotFound", async () => {
    const file = await f.file("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {token: s3cret}\n");
    await ok(["apply", "--server-side", "--field-manager=hk", "-f", file]);
    const token = await ok(["get", "secret", "creds", "-o", "jsonpath={.data.token}"]);
    expect(Buffer.from(token, "base64").toString()).toBe("s3cret");
    const missing = await f.kubectl(["get", "secret", "nope"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): secrets "nope" not found');
  });

  it("lists a CRD's kind in api-resources once the CRD is applied, and prints its columns", async () => {
    const before = await ok(["api-resources", "--api-group=example.com"]);
    expect(before).not.toContain("widgets");
    await ok(["apply", "--server-side", "-f", await f.file("crd.yaml", WIDGET_CRD)]);
    const after = await ok(["api-resources", "--api-group=example.com"]);
    expect(after).toMatch(/^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
    await ok(["apply", "--server-side", "-f", await f.file("w-cols.yaml", widget("cols"))]);
    const table = await ok(["get", "widgets"]);
    expect(table.split("\n")[0]).toMatch(/^NAME\s+READY\s+REPLICAS\s+AGE$/);
    expect(table).toMatch(/^cols\s+1\s+\d+s$/m);
    await ok(["patch", "widget", "cols", "--subresource=status", "--type=merge", "-p", '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']);
    expect(await ok(["get", "widgets"])).toMatch(/^cols\s+True\s+1\s+\d+s$/m);
  });

  it("refuses an unknown field (Strict) and an invalid value (422) as kubectl shows them", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("crd-v.yaml", WIDGET_CRD)]);
    const unknown = await f.kubectl(["apply", "--server-side", "-f", await f.file("w-unknown.yaml", widget("unk").replace("size: small", "size: small\n  bogus: 1"))]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"');
    const invalid = await f.kubectl(["create", "-f", await f.file("w-invalid.yaml", widget("inv").replace("size: small", "size: huge"))]);
    expect(invalid.exitCode).toBe(1);
    // One cause: kubectl prints it on the line; several would be "* field: message" lines.
    expect(invalid.stderr).toContain('The Widget "inv" is invalid: spec.size: Unsupported value: "huge": supported values: "small", "large"');
  });

  it("create -f twice: the second run is AlreadyExists and exits 1", async () => {
    const file = await f.file("create.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made-once}\ndata: {a: b}\n");
    expect(await ok(["create", "-f", file])).toContain("configmap/made-once created");
    const again = await f.kubectl(["create", "-f", file]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain(`Error from server (AlreadyExists): error when creating "${file}": configmaps "made-once" already exists`);
  });

  it("apply --server-side creates, then updates with the field manager recorded", async () => {
    const v1 = await f.file("ssa1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '1'}\n");
    const v2 = await f.file("ssa2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '2', b: '3'}\n");
    expect(await ok(["apply", "--server-side", "--field-manager=hk", "-f", v1])).toContain("configmap/ssa serverside-applied");
    expect(await ok(["apply", "--server-side", "--field-manager=hk", "-f", v2])).toContain("configmap/ssa serverside-applied");
    const obj = JSON.parse(await ok(["get", "cm", "ssa", "-o", "json", "--show-managed-fields"])) as { data: unknown; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(obj.data).toEqual({ a: "2", b: "3" });
    expect(obj.metadata.managedFields.map((m) => [m.manager, m.operation])).toContainEqual(["hk", "Apply"]);
  });

  it("client-side apply creates, then configures a built-in and a custom object", async () => {
    const cm1 = await f.file("csa1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: csa}\ndata: {a: '1'}\n");
    const cm2 = await f.file("csa2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: csa}\ndata: {a: '2'}\n");
    expect(await ok(["apply", "-f", cm1])).toContain("configmap/csa created");
    expect(await ok(["apply", "-f", cm2])).toContain("configmap/csa configured");
    expect(await ok(["apply", "-f", cm2])).toContain("configmap/csa unchanged");
    expect(await ok(["get", "cm", "csa", "-o", "jsonpath={.data.a}"])).toBe("2");

    await ok(["apply", "--server-side", "-f", await f.file("crd2.yaml", WIDGET_CRD)]);
    expect(await ok(["apply", "-f", await f.file("csa-w1.yaml", widget("csa"))])).toContain("widget.example.com/csa created");
    expect(await ok(["apply", "-f", await f.file("csa-w2.yaml", widget("csa").replace("replicas: 1", "replicas: 4"))])).toContain("widget.example.com/csa configured");
    expect(await ok(["get", "widget", "csa", "-o", "jsonpath={.spec.replicas}"])).toBe("4");
  });

  it("selects by label in every form, and refuses a selector that does not parse", async () => {
    const docs = [
      ["l-a", "{tier: web, env: prod}"],
      ["l-b", "{tier: db, env: prod}"],
      ["l-c", "{tier: web}"],
    ].map(([n, l]) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, labels: ${l}}\n`);
    await ok(["apply", "-f", await f.file("labels.yaml", docs.join("---\n"))]);
    const names = async (sel: string) => (await ok(["get", "cm", "-l", sel, "-o", "jsonpath={.items[*].metadata.name}"])).split(" ").filter(Boolean);
    expect(await names("tier=web")).toEqual(["l-a", "l-c"]);
    expect(await names("tier==web,env=prod")).toEqual(["l-a"]);
    expect(await names("tier!=web,tier")).toEqual(["l-b"]);
    expect(await names("env in (prod),tier notin (db)")).toEqual(["l-a"]);
    expect(await names("tier,!env")).toEqual(["l-c"]);
    const bad = await f.kubectl(["get", "cm", "-l", "tier in (web"]);
    expect(bad.exitCode).toBe(1);
  });

  it("pages with --chunk-size=2 through continue tokens and shows every object", async () => {
    const docs = Array.from({ length: 5 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: page-${i}, labels: {paged: 'yes'}}\n`);
    await ok(["apply", "-f", await f.file("paged.yaml", docs.join("---\n"))]);
    const r = await f.kubectl(["get", "cm", "-l", "paged=yes", "--chunk-size=2", "-o", "name", "-v=6"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([0, 1, 2, 3, 4].map((i) => `configmap/page-${i}`));
    expect(r.stderr.match(/continue=/g)?.length).toBe(2);
  });

  it("with a client certificate of another CA, or a wrong token, is Unauthorized", async () => {
    const other = await makeClusterPki("other");
    const foreign = join(f.dir, "foreign-kubeconfig");
    await writeFile(foreign, kubeconfigYaml({ name: "kind-test", server: f.server.url, pki: { ...other, caCert: f.pki.caCert } }));
    const r = await f.kubectl(["--kubeconfig", foreign, "get", "ns"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
    const tokenConfig = join(f.dir, "token-kubeconfig");
    const ca = Buffer.from(f.pki.caCert).toString("base64");
    await writeFile(tokenConfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${f.server.url}", certificate-authority-data: ${ca}}}]\nusers: [{name: u, user: {token: wrong}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    const t = await f.kubectl(["--kubeconfig", tokenConfig, "get", "ns"]);
    expect(t.exitCode).toBe(1);
    expect(t.stderr).toContain("error: You must be logged in to the server (Unauthorized)");
    const good = join(f.dir, "good-token-kubeconfig");
    await writeFile(good, (await readFile(tokenConfig, "utf8")).replace("token: wrong", `token: ${f.pki.token}`));
    expect((await f.kubectl(["--kubeconfig", good, "get", "ns", "default", "-o", "name"])).stdout.trim()).toBe("namespace/default");
  });
});
