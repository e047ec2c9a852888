// hk's clusterctl client against the emulated clusterctl (bin/sandbox/clusterctl, which runs dist/:
// build first, npm test does) on a kind world cluster of a world held in this process: the same
// calls hk makes in real mode, checked through the cluster's in-process API.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExternalError } from "../../../src/engine/errors.js";
import { clusterConfigSchema } from "../../../src/config/schema.js";
import { workloadClusterObjects } from "../../../src/resources/capi/manifests.js";
import { clusterctlDescribe, clusterctlGetKubeconfig, clusterctlInit, clusterctlMove, clusterctlUpgradeApply, clusterctlVersion, type CapiProviderSet, type ClusterctlEnv } from "../../../src/providers/clusterctl.js";
import type { ClusterApi } from "../../../src/sandbox/kube/types.js";
import { sandboxToolEnv } from "../../../src/sandbox/tools-env.js";
import { openSandbox, type SandboxConnection } from "../../../src/sandbox/world.js";

const PROVIDERS: CapiProviderSet = { core: "cluster-api:v1.10.10", infrastructure: "hetzner:v1.0.7", bootstrap: "talos:v0.6.11", controlPlane: "talos:v0.5.12", addon: "helm:v0.4.2" };

let dir: string;
let conn: SandboxConnection;
let kubeconfig: string;
let api: ClusterApi;
let env: ClusterctlEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-clusterctl-client-"));
  conn = await openSandbox(join(dir, "world"));
  await conn.clusters?.create({ name: "mgmt", kind: "kind", serverVersion: "v1.33.1" });
  kubeconfig = join(dir, "mgmt.kubeconfig");
  await writeFile(kubeconfig, conn.clusters?.kubeconfig("mgmt") ?? "", { mode: 0o600 });
  const clusterApi = conn.clusters?.api("mgmt");
  if (!clusterApi) throw new Error("the world has no cluster mgmt");
  api = clusterApi;
  env = { env: { ...sandboxToolEnv(join(dir, "world")), HOME: dir } };
}, 60_000);
afterAll(async () => {
  await conn?.close();
  await rm(dir, { recursive: true, force: true });
});

const inventory = () => api.list("clusterctl.cluster.x-k8s.io/v1alpha3", "Provider").map((p) => `${p.metadata.name}=${String((p as unknown as { version: string }).version)}`).sort();
const image = (ns: string, name: string) => (api.get("apps/v1", "Deployment", ns, name) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } } | undefined)?.spec.template.spec.containers[0]?.image;

describe("the clusterctl client on the emulated clusterctl", () => {
  it("version answers v1.10.10", async () => {
    expect(await clusterctlVersion(env)).toBe("v1.10.10");
  });

  it("init installs the five providers and waits for them", async () => {
    const lines: string[] = [];
    await clusterctlInit({ ...env, onLine: (l) => lines.push(l) }, { kubeconfig, providers: PROVIDERS, waitTimeoutSeconds: 120 });
    expect(lines).toContain("Waiting for providers to be available...");
    expect(inventory()).toEqual(["addon-helm=v0.4.2", "bootstrap-talos=v0.6.11", "cluster-api=v1.10.10", "control-plane-talos=v0.5.12", "infrastructure-hetzner=v1.0.7"]);
  }, 180_000);

  it("upgrade apply moves a provider to a new version and its controller to the new image", async () => {
    await clusterctlUpgradeApply(env, { kubeconfig, providers: { ...PROVIDERS, infrastructure: "hetzner:v1.0.8" } });
    expect(inventory()).toContain("infrastructure-hetzner=v1.0.8");
    expect(inventory()).toContain("cluster-api=v1.10.10");
    expect(image("caph-system", "caph-controller-manager")).toBe("ghcr.io/syself/caph:v1.0.8");
  }, 120_000);

  it("upgrade apply across contracts fails with clusterctl's words", async () => {
    const err = await clusterctlUpgradeApply(env, { kubeconfig, providers: { ...PROVIDERS, infrastructure: "hetzner:v1.1.0" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toBe(
      "clusterctl upgrade apply failed: unable to complete that upgrade: the target version for the provider infrastructure-hetzner supports the v1beta2 API Version of Cluster API (contract), while the management cluster is using v1beta1",
    );
  }, 60_000);

  it("get kubeconfig returns the workload cluster's kubeconfig secret, and names a missing one", async () => {
    const value = "apiVersion: v1\nkind: Config\nclusters: []\n";
    api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "k8s-kubeconfig", namespace: "default" }, data: { value: Buffer.from(value).toString("base64") } } as never, "test");
    expect(await clusterctlGetKubeconfig(env, { kubeconfig, cluster: "k8s" })).toBe(`${value}\n`);
    await expect(clusterctlGetKubeconfig(env, { kubeconfig, cluster: "nope" })).rejects.toThrow('clusterctl get kubeconfig nope failed: "nope-kubeconfig" not found in namespace "default"');
  }, 60_000);

  it("describe prints the Cluster's tree from its objects, and names a missing cluster", async () => {
    for (const o of workloadClusterObjects(clusterConfigSchema.parse({}), "talos-amd64-v1.12.2").filter((x) => ["Cluster", "HetznerCluster", "TalosControlPlane"].includes(x.kind))) {
      // Paused, so the simulated providers (which leave paused clusters alone) add no Machines meanwhile.
      const obj = o.kind === "Cluster" ? { ...o, spec: { ...(o.spec as object), paused: true } } : o;
      api.create(obj as never, "test");
    }
    const out = await clusterctlDescribe(env, { kubeconfig, cluster: "k8s", namespace: "default" });
    expect(out.split("\n").map((l) => l.split(/\s{2,}/)[0])).toEqual(["NAME", "Cluster/k8s", "├─ClusterInfrastructure - HetznerCluster/k8s", "└─ControlPlane - TalosControlPlane/k8s-control-plane", ""]);
    await expect(clusterctlDescribe(env, { kubeconfig, cluster: "nope" })).rejects.toThrow('clusterctl describe cluster nope failed: clusters.cluster.x-k8s.io "nope" not found');
  }, 60_000);

  it("move --dry-run reports the Clusters it would move and moves nothing; a real move to a bare cluster is refused", async () => {
    expect(await clusterctlMove(env, { kubeconfig, toKubeconfig: kubeconfig, namespace: "default", dryRun: true })).toEqual({ moved: 1 });
    expect(api.get("cluster.x-k8s.io/v1beta1", "Cluster", "default", "k8s")).toBeDefined();
    await conn.clusters?.create({ name: "bare", kind: "kind", serverVersion: "v1.33.1" });
    const bare = join(dir, "bare.kubeconfig");
    await writeFile(bare, conn.clusters?.kubeconfig("bare") ?? "", { mode: 0o600 });
    await expect(clusterctlMove(env, { kubeconfig, toKubeconfig: bare })).rejects.toThrow(/^clusterctl move failed: \[provider addon-helm not found in the target cluster, .*provider cluster-api not found in the target cluster\]$/);
  }, 60_000);
});
