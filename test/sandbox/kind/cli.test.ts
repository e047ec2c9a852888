// The emulated kind as a real process against a sandbox world: kind v0.29's lines, streams and exit
// codes (clis/NOTES.md), and its kubeconfig handling: merged into an existing file, $KUBECONFIG with
// two paths, entries removed and current-context cleared on delete.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { SandboxConnection } from "../../../src/sandbox/world.js";
import { serveSandbox } from "../../../src/sandbox/world.js";
import { createLines, kind, kindEnv } from "./support.js";

let dir: string;
let world: SandboxConnection;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-kind-world-"));
  // A cluster named "slow" gets a control plane that never turns Ready, for --wait's timeout.
  world = await serveSandbox(dir, {
    actionMs: 20,
    onCluster: (e) => {
      if (e.type !== "created" || e.cluster.name !== "slow") return;
      const status = { conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady", message: "container runtime network not ready" }] };
      world.clusters?.api("slow")?.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "slow-control-plane" }, status }, "kubelet", { force: true, subresource: "status" });
    },
  });
});
afterAll(async () => {
  await world?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string } }[];
  users: { name: string }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  "current-context": string;
}
const readKubeconfig = async (path: string) => parse(await readFile(path, "utf8")) as Kubeconfig;
const names = (k: Kubeconfig) => ({ clusters: k.clusters.map((c) => c.name), users: k.users.map((u) => u.name), contexts: k.contexts.map((c) => c.name) });

const OTHER = `apiVersion: v1
kind: Config
clusters:
- name: other
  cluster: {server: "https://10.0.0.1:6443"}
users:
- name: other
  user: {token: abc}
contexts:
- name: other
  context: {cluster: other, user: other}
current-context: other
`;

describe("without a world", () => {
  it("says which world is missing and how to start it, exit 1", async () => {
    const unset = await kind(["get", "clusters"], { HOME: dir });
    expect(unset).toMatchObject({ code: 1, stdout: "" });
    expect(unset.stderr).toMatch(/^ERROR: failed to list clusters: no sandbox world to talk to \(HK_SANDBOX_DIR is not set\): start one with `hk sandbox serve`.*\n$/);
    const empty = await mkdtemp(join(tmpdir(), "hk-kind-empty-"));
    const none = await kind(["create", "cluster"], await kindEnv(empty));
    expect(none).toMatchObject({ code: 1, stdout: "" });
    expect(none.stderr).toBe(`ERROR: failed to create cluster: no sandbox world is served in ${empty}; start it with \`hk sandbox serve\` (or pass its folder in HK_SANDBOX_DIR)\n`);
  });
});

// Each kind run is a node process start; on a loaded machine a test of eight takes a while.
describe("kind against the world", { timeout: 180_000 }, () => {
  it("version, --version and help print on stdout", async () => {
    const env = await kindEnv(dir);
    expect(await kind(["version"], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^kind v0\.29\.0 go1\.24\.2 linux\/\w+\n$/), stderr: "" });
    expect(await kind(["--version"], env)).toMatchObject({ code: 0, stdout: "kind version 0.29.0\n" });
    const help = await kind(["create", "cluster", "--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage:\n  kind create cluster [flags]\n");
    expect(help.stdout).toMatch(/--wait duration +wait for control plane node to be ready \(default 0s\)/);
    expect(await kind(["nope"], env)).toMatchObject({ code: 1, stderr: 'ERROR: unknown command "nope" for "kind"\n' });
    expect(await kind(["get", "clusters", "--bogus"], env)).toMatchObject({ code: 1, stderr: "ERROR: unknown flag: --bogus\n" });
  });

  it("get clusters with none: empty stdout, the notice on stderr, exit 0", async () => {
    expect(await kind(["get", "clusters"], await kindEnv(dir))).toEqual({ code: 0, stdout: "", stderr: "No kind clusters found.\n" });
  });

  it("create merges into an existing kubeconfig; the existence check refuses a second one and touches nothing", async () => {
    const env = await kindEnv(dir);
    const path = join(env.HOME ?? "", ".kube", "config");
    await mkdir(join(env.HOME ?? "", ".kube"));
    await writeFile(path, OTHER, { mode: 0o644 });
    const r = await kind(["create", "cluster", "--name", "demo", "--wait", "2m"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n");
    const expected = createLines("demo");
    // --wait adds its step and the Ready line before the kubeconfig lines.
    expected.splice(13, 0, " • Waiting ≤ 2m0s for control-plane = Ready ⏳  ...", " ✓ Waiting ≤ 2m0s for control-plane = Ready ⏳", expect.stringMatching(/^ • Ready after \d+s 💚$/));
    expect(lines.slice(0, expected.length)).toEqual(expected);
    expect(lines.slice(expected.length)).toEqual([expect.stringMatching(/(Have a nice day|Thanks for using kind|Not sure what to do next|Have a question)/), ""]);

    const merged = await readKubeconfig(path);
    expect(names(merged)).toEqual({ clusters: ["other", "kind-demo"], users: ["other", "kind-demo"], contexts: ["other", "kind-demo"] });
    expect(merged["current-context"]).toBe("kind-demo");
    expect(merged.contexts[1]?.context).toEqual({ cluster: "kind-demo", user: "kind-demo" });
    expect(merged.clusters[1]?.cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const before = await readFile(path, "utf8");

    const again = await kind(["create", "cluster", "-n", "demo"], env);
    expect(again).toEqual({ code: 1, stdout: "", stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "demo"\n' });
    expect(await readFile(path, "utf8")).toBe(before);
  });

  it("KIND_CLUSTER_NAME, --image and --kubeconfig: a second cluster, its version, a new file in a new 0755 folder", async () => {
    const env = await kindEnv(dir, { KIND_CLUSTER_NAME: "alpha" });
    const path = join(env.HOME ?? "", "deep", "dir", "kubeconfig");
    const r = await kind(["create", "cluster", "--image", "kindest/node:v1.32.2", "--kubeconfig", path], env);
    expect(r.code).toBe(0);
    const expected = createLines("alpha", "kindest/node:v1.32.2", ` --kubeconfig ${path}`);
    expect(r.stderr.split("\n").slice(0, expected.length)).toEqual(expected);
    expect((await stat(join(env.HOME ?? "", "deep", "dir"))).mode & 0o777).toBe(0o755);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const k = await readKubeconfig(path);
    expect(names(k)).toEqual({ clusters: ["kind-alpha"], users: ["kind-alpha"], contexts: ["kind-alpha"] });
    expect(world.clusters?.get("alpha")).toMatchObject({ serverVersion: "v1.32.2", image: "kindest/node:v1.32.2", nodes: [{ name: "alpha-control-plane", role: "control-plane" }] });
    expect(await kind(["get", "clusters"], env)).toEqual({ code: 0, stdout: "alpha\ndemo\n", stderr: "" });
    expect(await kind(["get", "nodes"], env)).toEqual({ code: 0, stdout: "alpha-control-plane\n", stderr: "" });
  });

  it("get kubeconfig: YAML and an empty line on stdout, no file; --internal; a missing cluster is an ERROR", async () => {
    const env = await kindEnv(dir);
    const r = await kind(["get", "kubeconfig", "--name", "demo"], env);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.endsWith("\n\n")).toBe(true);
    const k = parse(r.stdout) as Kubeconfig;
    expect(k["current-context"]).toBe("kind-demo");
    expect(k.clusters[0]?.cluster.server).toBe(world.clusters?.get("demo")?.server);
    expect(existsSync(join(env.HOME ?? "", ".kube"))).toBe(false);
    const internal = parse((await kind(["get", "kubeconfig", "--name", "demo", "--internal"], env)).stdout) as Kubeconfig;
    expect(internal.clusters[0]?.cluster.server).toBe("https://demo-control-plane:6443");
    expect(await kind(["get", "kubeconfig", "--name", "nope"], env)).toEqual({
      code: 1,
      stdout: "",
      stderr: "ERROR: could not locate any control plane nodes for cluster named 'nope'. Use the --name option to select a different cluster\n",
    });
  });

  it("export kubeconfig with two paths in KUBECONFIG: into the first that exists, else the last", async () => {
    const env = await kindEnv(dir);
    const [a, b] = [join(env.HOME ?? "", "a.yaml"), join(env.HOME ?? "", "b.yaml")];
    const both = { ...env, KUBECONFIG: `${a}:${b}` };
    expect(await kind(["export", "kubeconfig", "--name", "demo"], both)).toEqual({ code: 0, stdout: "", stderr: 'Set kubectl context to "kind-demo"\n' });
    expect(existsSync(a)).toBe(false);
    expect(names(await readKubeconfig(b)).contexts).toEqual(["kind-demo"]);
    await writeFile(a, OTHER);
    expect((await kind(["export", "kubeconfig", "--name", "alpha"], both)).code).toBe(0);
    expect(names(await readKubeconfig(a)).contexts).toEqual(["other", "kind-alpha"]);
    expect(names(await readKubeconfig(b)).contexts).toEqual(["kind-demo"]);
  });

  it("delete removes the kubeconfig entries, clears current-context, and is idempotent", async () => {
    const env = await kindEnv(dir);
    const path = join(env.HOME ?? "", "config");
    await writeFile(path, OTHER);
    const withFile = { ...env, KUBECONFIG: path };
    expect((await kind(["export", "kubeconfig", "-n", "alpha"], withFile)).code).toBe(0);
    const r = await kind(["delete", "cluster", "--name", "alpha"], withFile);
    expect(r).toEqual({ code: 0, stdout: "", stderr: 'Deleting cluster "alpha" ...\nDeleted nodes: ["alpha-control-plane"]\n' });
    const k = await readKubeconfig(path);
    expect(names(k)).toEqual({ clusters: ["other"], users: ["other"], contexts: ["other"] });
    expect(k["current-context"]).toBe("");
    expect(world.clusters?.get("alpha")).toBeUndefined();
    expect(existsSync(join(dir, "kube", "alpha"))).toBe(false);
    expect(await kind(["delete", "cluster", "--name", "alpha"], withFile)).toEqual({ code: 0, stdout: "", stderr: 'Deleting cluster "alpha" ...\n' });
    expect(await kind(["get", "clusters"], env)).toEqual({ code: 0, stdout: "demo\n", stderr: "" });
    expect(await kind(["delete", "cluster", "-q", "--name", "demo"], env)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await kind(["get", "clusters"], env)).toEqual({ code: 0, stdout: "", stderr: "No kind clusters found.\n" });
  });

  it("--config - from stdin: its name and node roles; kind keeps the taint when there are workers", async () => {
    const env = await kindEnv(dir);
    const config = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: fromconfig\nnodes:\n- role: control-plane\n- role: worker\n";
    const r = await kind(["create", "cluster", "--config", "-", "--kubeconfig", join(env.HOME ?? "", "k")], env, config);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(" • Preparing nodes 📦 📦   ...\n");
    expect(r.stderr).toContain(" ✓ Joining worker nodes 🚜\n");
    expect(world.clusters?.get("fromconfig")?.nodes).toEqual([
      { name: "fromconfig-control-plane", role: "control-plane" },
      { name: "fromconfig-worker", role: "worker" },
    ]);
    const node = world.clusters?.api("fromconfig")?.get("v1", "Node", undefined, "fromconfig-control-plane") as { spec: { taints?: unknown } } | undefined;
    expect(node?.spec.taints).toEqual([{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
    expect(await kind(["get", "nodes", "--name", "fromconfig"], env)).toEqual({ code: 0, stdout: "fromconfig-control-plane\nfromconfig-worker\n", stderr: "" });
    const deleted = await kind(["delete", "cluster", "--name", "fromconfig", "--kubeconfig", join(env.HOME ?? "", "k")], env);
    expect(deleted.stderr).toBe('Deleting cluster "fromconfig" ...\nDeleted nodes: ["fromconfig-control-plane" "fromconfig-worker"]\n');
    const bad = await kind(["create", "cluster", "--config", join(env.HOME ?? "", "missing.yaml")], env);
    expect(bad).toEqual({ code: 1, stdout: "", stderr: `ERROR: failed to create cluster: error reading file: open ${join(env.HOME ?? "", "missing.yaml")}: no such file or directory\n` });
  });

  it("--wait timing out is a warning, not an error, as in kind", async () => {
    const env = await kindEnv(dir);
    const r = await kind(["create", "cluster", "--name", "slow", "--wait", "1s"], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split("\n");
    const at = lines.indexOf(" • Waiting ≤ 1s for control-plane = Ready ⏳  ...");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual([" ✗ Waiting ≤ 1s for control-plane = Ready ⏳", " • WARNING: Timed out waiting for Ready ⚠️", 'Set kubectl context to "kind-slow"']);
    expect((await kind(["delete", "cluster", "--name", "slow"], env)).code).toBe(0);
  });

  it("refuses a bad name and an image the sandbox has no version for, after the existence check", async () => {
    const env = await kindEnv(dir);
    expect(await kind(["create", "cluster", "--name", "Bad_Name"], env)).toEqual({
      code: 1,
      stdout: "",
      stderr: "ERROR: failed to create cluster: 'Bad_Name' is not a valid cluster name, cluster names must match `^[a-z0-9.-]+$`\n",
    });
    const img = await kind(["create", "cluster", "--name", "img", "--image", "example/node:latest"], env);
    expect(img.code).toBe(1);
    expect(img.stderr.split("\n").slice(0, 4)).toEqual([
      'Creating cluster "img" ...',
      " • Ensuring node image (example/node:latest) 🖼  ...",
      " ✗ Ensuring node image (example/node:latest) 🖼",
      expect.stringMatching(/^ERROR: failed to create cluster: failed to pull image "example\/node:latest"/),
    ]);
    expect(world.clusters?.list()).toEqual([]);
  });
});
