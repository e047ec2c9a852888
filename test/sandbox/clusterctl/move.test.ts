// The sandbox's clusterctl move between two emulated API servers, checked with real kubectl: the
// refusals (no target, providers missing in the target, machines still provisioning), a dry run
// that changes nothing, and a move that carries the Cluster, what it owns (ownerReferences
// rebuilt with the target's UIDs), its kubeconfig secret and the move-labelled credentials, and
// leaves everything else behind. The target's Cluster is created paused (read again after the pause).
import { mkdtemp, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../../src/config/schema.js";
import { workloadClusterObjects } from "../../../src/resources/capi/manifests.js";
import { startKubeFixture, type KubeFixture } from "../kube/support/kube-server.js";
import { clusterctl, HK_PROVIDERS } from "./run.js";

let source: KubeFixture;
let target: KubeFixture;

beforeAll(async () => {
  [source, target] = await Promise.all([startKubeFixture(), startKubeFixture()]);
  expect((await clusterctl(["init", "--kubeconfig", source.kubeconfig, ...HK_PROVIDERS])).exitCode).toBe(0);
  const [cluster, hetzner] = workloadClusterObjects(clusterConfigSchema.parse({}), "talos-amd64-v1.12.2");
  const applied = await source.kubectl(["apply", "--server-side", "--field-manager=test", "-f", "-"], { input: JSON.stringify(cluster) });
  expect(applied.exitCode, applied.stderr).toBe(0);
  const uid = (await source.kubectl(["get", "cluster", "k8s", "-o", "jsonpath={.metadata.uid}"])).stdout;
  const owned = { ...hetzner, metadata: { ...hetzner?.metadata, ownerReferences: [{ apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Cluster", name: "k8s", uid }] } };
  expect((await source.kubectl(["apply", "--server-side", "--field-manager=test", "-f", "-"], { input: JSON.stringify(owned) })).exitCode).toBe(0);
  for (const args of [
    ["create", "secret", "generic", "k8s-kubeconfig", "--from-literal=value=kubeconfig-of-k8s"],
    ["create", "secret", "generic", "hetzner", "--from-literal=hcloud-token=t0ken"],
    ["label", "secret", "hetzner", "clusterctl.cluster.x-k8s.io/move="],
    ["create", "secret", "generic", "unrelated", "--from-literal=a=b"],
  ]) {
    const r = await source.kubectl(args);
    expect(r.exitCode, r.stderr).toBe(0);
  }
});

afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
});

const move = (...extra: string[]) => clusterctl(["move", "--kubeconfig", source.kubeconfig, ...extra]);
const names = async (k: KubeFixture, kind: string) => (await k.kubectl(["get", kind, "-o", "jsonpath={.items[*].metadata.name}"])).stdout.split(" ").filter(Boolean).sort();

describe("clusterctl move", () => {
  it("needs a target", async () => {
    expect(await move()).toMatchObject({ exitCode: 1, stderr: "Error: please specify a target cluster using the --to-kubeconfig flag when not using --dry-run, --to-directory or --from-directory\n" });
  });

  it("refuses a target without the source's providers", async () => {
    const r = await move("--to-kubeconfig", target.kubeconfig);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("provider bootstrap-talos not found in the target cluster");
    expect(await names(source, "clusters")).toEqual(["k8s"]);
  });

  it("refuses while the cluster is still provisioning, and a dry run changes nothing", async () => {
    expect((await clusterctl(["init", "--kubeconfig", target.kubeconfig, ...HK_PROVIDERS])).exitCode).toBe(0);
    const r = await move("--to-kubeconfig", target.kubeconfig);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error: failed to get object graph: failed to check for provisioned infrastructure: [cannot start the move operation while "cluster.x-k8s.io/v1beta1, Kind=Cluster" default/k8s is still provisioning the infrastructure]');
    const dry = await move("--dry-run");
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toContain("This is a dry-run move, will not perform any real action");
    expect(dry.stderr).toContain("Moving Cluster API objects Clusters=1");
    expect((await source.kubectl(["get", "cluster", "k8s", "-o", "jsonpath={.spec.paused}"])).stdout).toBe("");
  });

  it("moves the cluster's objects, owners first, and unpauses them in the target", async () => {
    const status = { status: { infrastructureReady: true, controlPlaneReady: true, conditions: [{ type: "ControlPlaneInitialized", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } };
    const patched = await source.kubectl(["patch", "cluster", "k8s", "--subresource=status", "--type=merge", "-p", JSON.stringify(status)]);
    expect(patched.exitCode, patched.stderr).toBe(0);

    // The target's controllers must not see the Cluster unpaused before what it owns has arrived.
    const created: unknown[] = [];
    const stop = target.server.api.watch("cluster.x-k8s.io/v1beta1", "Cluster", (e) => {
      if (e.type === "ADDED") created.push((e.object.spec as { paused?: unknown } | undefined)?.paused);
    });
    const r = await move("--to-kubeconfig", target.kubeconfig);
    stop();
    expect(created).toEqual([true]);
    expect(r.stderr).toBe(
      ["Performing move...", "Discovering Cluster API objects", "Moving Cluster API objects Clusters=1", "Moving Cluster API objects ClusterClasses=0", "Waiting for all resources to be ready to move", "Creating objects in the target cluster", "Deleting objects from the source cluster", ""].join("\n"),
    );
    expect(r.exitCode).toBe(0);

    expect(await names(target, "clusters")).toEqual(["k8s"]);
    expect(await names(target, "hetznerclusters")).toEqual(["k8s"]);
    expect(await names(target, "secrets")).toEqual(["hetzner", "k8s-kubeconfig"]);
    expect(await names(source, "clusters")).toEqual([]);
    expect(await names(source, "hetznerclusters")).toEqual([]);
    expect(await names(source, "secrets")).toEqual(["unrelated"]);

    const targetUid = (await target.kubectl(["get", "cluster", "k8s", "-o", "jsonpath={.metadata.uid}"])).stdout;
    expect((await target.kubectl(["get", "hetznercluster", "k8s", "-o", "jsonpath={.metadata.ownerReferences[0].uid}"])).stdout).toBe(targetUid);
    expect((await target.kubectl(["get", "cluster", "k8s", "-o", "jsonpath={.spec.paused}"])).stdout).toBe("");
    expect((await target.kubectl(["get", "secret", "hetzner", "-o", "jsonpath={.data.hcloud-token}"])).stdout).toBe(Buffer.from("t0ken").toString("base64"));
  });

  it("saves to a directory (0600 files, source unpaused and kept) and restores from it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hk-move-"));
    // A move carries no status: the target's controllers report it again, as this patch does.
    const status = { status: { infrastructureReady: true, controlPlaneReady: true, conditions: [{ type: "ControlPlaneInitialized", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } };
    expect((await target.kubectl(["patch", "cluster", "k8s", "--subresource=status", "--type=merge", "-p", JSON.stringify(status)])).exitCode).toBe(0);
    const saved = await clusterctl(["move", "--kubeconfig", target.kubeconfig, "--to-directory", dir]);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const files = (await readdir(dir)).sort();
    expect(files).toContain("Cluster_default_k8s.yaml");
    expect(files).toContain("HetznerCluster_default_k8s.yaml");
    expect(((await stat(join(dir, "Cluster_default_k8s.yaml"))).mode & 0o777).toString(8)).toBe("600");
    expect(await names(target, "clusters")).toEqual(["k8s"]);
    expect((await target.kubectl(["get", "cluster", "k8s", "-o", "jsonpath={.spec.paused}"])).stdout).toBe("");

    const restored = await clusterctl(["move", "--from-directory", dir, "--to-kubeconfig", source.kubeconfig]);
    expect(restored.stderr).toBe("Moving from directory...\nRestoring files from " + dir + "\nRestoring objects into the target cluster\n");
    expect(await names(source, "clusters")).toEqual(["k8s"]);
    const sourceUid = (await source.kubectl(["get", "cluster", "k8s", "-o", "jsonpath={.metadata.uid}"])).stdout;
    expect((await source.kubectl(["get", "hetznercluster", "k8s", "-o", "jsonpath={.metadata.ownerReferences[0].uid}"])).stdout).toBe(sourceUid);
  });
});
