// The sandbox's clusterctl after init, as a user types it, checked with real kubectl: upgrade plan
// and apply (inventory, controller image, refusals), describe cluster (the condition tree), delete
// (components and inventory go, CRDs and namespace stay unless asked), and the --config root flag.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../../src/config/schema.js";
import { workloadClusterObjects } from "../../../src/resources/capi/manifests.js";
import { startKubeFixture, type KubeFixture } from "../kube/support/kube-server.js";
import { clusterctl, HK_PROVIDERS } from "./run.js";

let kube: KubeFixture;
const ctl = (...args: string[]) => clusterctl([...args, "--kubeconfig", kube.kubeconfig]);
const ok = async (args: string[], input?: string) => {
  const r = await kube.kubectl(args, input === undefined ? {} : { input });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
};
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
const cond = (type: string, status: string, extra: Record<string, string> = {}) => ({ type, status, lastTransitionTime: hoursAgo(3), ...extra });
const setStatus = (resource: string, status: unknown) => ok(["patch", resource, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);

beforeAll(async () => {
  kube = await startKubeFixture();
  expect((await ctl("init", ...HK_PROVIDERS)).exitCode).toBe(0);
}, 120_000);
afterAll(async () => {
  await kube?.close();
});

describe("clusterctl upgrade", () => {
  it("plan lists each provider against the newest v1beta1 release and hints the apply", async () => {
    const r = await ctl("upgrade", "plan");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("Latest release available for the v1beta1 API Version of Cluster API (contract):");
    expect(r.stdout).toMatch(/^NAME +NAMESPACE +TYPE +CURRENT VERSION +NEXT VERSION$/m);
    expect(r.stdout).toMatch(/^infrastructure-hetzner +caph-system +InfrastructureProvider +v1\.0\.7 +v1\.0\.12$/m);
    expect(r.stdout).toMatch(/^cluster-api +capi-system +CoreProvider +v1\.10\.10 +Already up to date$/m);
    expect(r.stdout).toContain("clusterctl upgrade apply --contract v1beta1");
  });

  it("apply with namespace/name:version changes the inventory and rolls the controller to the new image", async () => {
    const r = await ctl("upgrade", "apply", "--bootstrap", "cabpt-system/talos:v0.6.12", "--wait-providers");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Installing Provider="bootstrap-talos" Version="v0.6.12" TargetNamespace="cabpt-system"');
    expect(await ok(["get", "providers.clusterctl.cluster.x-k8s.io", "bootstrap-talos", "-n", "cabpt-system", "-o", "jsonpath={.version}"])).toBe("v0.6.12");
    expect(await ok(["get", "deployment", "cabpt-controller-manager", "-n", "cabpt-system", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).toBe("ghcr.io/siderolabs/cluster-api-talos-controller:v0.6.12");
    const rolled = await kube.kubectl(["rollout", "status", "deployment/cabpt-controller-manager", "-n", "cabpt-system", "--timeout=60s"]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
  }, 90_000);

  it("refuses a target on another contract, a provider not installed, and mixed or missing flags", async () => {
    const cross = await ctl("upgrade", "apply", "--addon", "helm:v0.5.0");
    expect(cross).toMatchObject({ exitCode: 1 });
    expect(cross.stderr).toBe("Error: unable to complete that upgrade: the target version for the provider addon-helm supports the v1beta2 API Version of Cluster API (contract), while the management cluster is using v1beta1\n");
    expect(await ok(["get", "providers.clusterctl.cluster.x-k8s.io", "addon-helm", "-n", "caaph-system", "-o", "jsonpath={.version}"])).toBe("v0.4.2");
    expect((await ctl("upgrade", "apply", "--bootstrap", "kubeadm:v1.10.10")).stderr).toContain("Error: unable to complete that upgrade: the provider bootstrap-kubeadm is not installed");
    expect((await ctl("upgrade", "apply", "--contract", "v1beta1", "--core", "cluster-api:v1.10.10")).stderr).toContain("Error: The --contract flag can't be used in combination with --core");
    expect((await ctl("upgrade", "apply")).stderr).toContain("Error: one of --contract, --core,");
  });
});

describe("clusterctl describe cluster", () => {
  beforeAll(async () => {
    for (const o of workloadClusterObjects(clusterConfigSchema.parse({}), "talos-amd64-v1.12.2").filter((x) => ["Cluster", "HetznerCluster", "TalosControlPlane"].includes(x.kind))) {
      await ok(["apply", "--server-side", "--field-manager=test", "-f", "-"], JSON.stringify(o));
    }
    for (const name of ["k8s-control-plane-a", "k8s-control-plane-b", "k8s-control-plane-c"]) {
      const machine = {
        apiVersion: "cluster.x-k8s.io/v1beta1",
        kind: "Machine",
        metadata: { name, namespace: "default", labels: { "cluster.x-k8s.io/cluster-name": "k8s", "cluster.x-k8s.io/control-plane": "" } },
        spec: { clusterName: "k8s", bootstrap: { dataSecretName: `${name}-bootstrap` }, infrastructureRef: { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HCloudMachine", name } },
      };
      await ok(["apply", "--server-side", "--field-manager=test", "-f", "-"], JSON.stringify(machine));
    }
    await setStatus("cluster/k8s", { conditions: [cond("Ready", "False", { severity: "Warning", reason: "ScalingUp", message: "Scaling up control plane to 3 replicas (actual 2)" }), cond("InfrastructureReady", "True")] });
    await setStatus("hetznercluster/k8s", { ready: true, conditions: [cond("Ready", "True")] });
    await setStatus("machine/k8s-control-plane-a", { conditions: [cond("Ready", "True")] });
    await setStatus("machine/k8s-control-plane-b", { conditions: [cond("Ready", "True")] });
    await setStatus("machine/k8s-control-plane-c", { conditions: [cond("Ready", "False", { severity: "Info", reason: "WaitingForBootstrapData", message: "0 of 2 completed" })] });
  }, 60_000);

  it("prints the tree with the Ready columns, grouping Machines that agree", async () => {
    const r = await ctl("describe", "cluster", "k8s");
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => l.split(/(?<=\S)\s{2,}/));
    expect(lines).toEqual([
      ["NAME", "READY", "SEVERITY", "REASON", "SINCE", "MESSAGE"],
      ["Cluster/k8s", "False", "Warning", "ScalingUp", "3h", "Scaling up control plane to 3 replicas (actual 2)"],
      ["├─ClusterInfrastructure - HetznerCluster/k8s", "True", "3h"],
      ["└─ControlPlane - TalosControlPlane/k8s-control-plane"],
      ["  ├─2 Machines...", "True", "3h", "See k8s-control-plane-a, k8s-control-plane-b"],
      ["  └─Machine/k8s-control-plane-c", "False", "Info", "WaitingForBootstrapData", "3h", "0 of 2 completed"],
    ]);
  });

  it("--show-conditions all adds each object's other conditions; --grouping=false lists every Machine", async () => {
    const all = await ctl("describe", "cluster", "k8s", "--show-conditions", "all", "--grouping=false");
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^├─InfrastructureReady +True +3h$/m);
    expect(all.stdout).toMatch(/^ {2}├─Machine\/k8s-control-plane-a +True +3h$/m);
    expect(all.stdout).toMatch(/^ {2}├─Machine\/k8s-control-plane-b +True +3h$/m);
  });

  it("names a missing cluster", async () => {
    expect(await ctl("describe", "cluster", "nope", "-n", "default")).toMatchObject({ exitCode: 1, stderr: 'Error: clusters.cluster.x-k8s.io "nope" not found\n' });
  });
});

describe("clusterctl --config", () => {
  it("accepts a config with file:// providers and keeps installing from the built-in components", async () => {
    const config = await kube.file("clusterctl.yaml", `providers:\n  - name: hetzner\n    url: file://\${REPO}/infrastructure-hetzner/v1.0.7/infrastructure-components.yaml\n    type: InfrastructureProvider\ncert-manager:\n  url: file:///repo/cert-manager/v1.19.1/cert-manager.yaml\n  version: v1.19.1\n`);
    const r = await clusterctl(["init", "--kubeconfig", kube.kubeconfig, "--config", config, "--infrastructure", "hetzner:v1.0.7"], { REPO: "/repo" });
    expect(r).toMatchObject({ exitCode: 0, stderr: "Fetching providers\nSkipping installing cert-manager as it is already installed\n" });
  });

  it("refuses a provider entry clusterctl would refuse, and a missing file", async () => {
    const bad = await kube.file("bad.yaml", "providers:\n  - name: cluster-api\n    url: file:///x/core-components.yaml\n    type: InfrastructureProvider\n");
    expect(await clusterctl(["--config", bad, "version"])).toMatchObject({ exitCode: 1, stderr: "Error: invalid provider configuration: name cluster-api must be used with the CoreProvider type\n" });
    expect((await clusterctl(["version", "--config=/nope/clusterctl.yaml"])).stderr).toBe("Error: failed to initialize the configuration reader: open /nope/clusterctl.yaml: no such file or directory\n");
    expect((await clusterctl(["version", "--config"])).stderr).toBe("Error: flag needs an argument: --config\n");
  });
});

describe("clusterctl delete", () => {
  it("refuses no selection and --all with a provider", async () => {
    expect((await ctl("delete")).stderr).toContain("Error: At least one of --core, --bootstrap,");
    expect((await ctl("delete", "--all", "--addon", "helm")).stderr).toContain("Error: The --all flag can't be used in combination with");
  });

  it("deletes one provider's controller and inventory, keeping its CRDs and namespace", async () => {
    const r = await ctl("delete", "--addon", "helm");
    expect(r).toMatchObject({ exitCode: 0, stderr: 'Deleting Provider="addon-helm" Version="v0.4.2" Namespace="caaph-system"\n' });
    expect((await kube.kubectl(["get", "deployment", "caaph-controller-manager", "-n", "caaph-system"])).exitCode).toBe(1);
    expect((await kube.kubectl(["get", "providers.clusterctl.cluster.x-k8s.io", "addon-helm", "-n", "caaph-system"])).exitCode).toBe(1);
    await ok(["get", "crd", "helmchartproxies.addons.cluster.x-k8s.io"]);
    await ok(["get", "namespace", "caaph-system"]);
  });

  it("--all --include-crd --include-namespace removes every provider, its CRDs and namespaces, core last", async () => {
    const r = await ctl("delete", "--all", "--include-crd", "--include-namespace");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr.trimEnd().split("\n").map((l) => /Provider="([^"]+)"/.exec(l)?.[1])).toEqual(["infrastructure-hetzner", "control-plane-talos", "bootstrap-talos", "cluster-api"]);
    expect(await ok(["get", "providers.clusterctl.cluster.x-k8s.io", "-A", "-o", "name"])).toBe("");
    expect((await kube.kubectl(["get", "crd", "hetznerclusters.infrastructure.cluster.x-k8s.io"])).exitCode).toBe(1);
    await ok(["wait", "--for=delete", "namespace/caph-system", "--timeout=60s"]);
    await ok(["get", "namespace", "cert-manager"]);
  }, 90_000);
});
