// The sandbox's clusterctl init against an emulated API server, checked with real kubectl: the
// lines clusterctl v1.10.10 prints, what it installs (cert-manager, the providers' namespaces,
// real CRDs, controllers, inventory), a repeat run, and the refusals of NOTES.md.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "../kube/support/kube-server.js";
import { clusterctl, HK_PROVIDERS } from "./run.js";

let kube: KubeFixture;

const init = (...extra: string[]) => clusterctl(["init", "--kubeconfig", kube.kubeconfig, ...extra]);

describe("clusterctl init on a new cluster", () => {
  beforeEach(async () => {
    kube = await startKubeFixture();
  });
  afterEach(async () => {
    await kube.close();
  });

  it("installs cert-manager and the providers in type order, waits for them, and says so as clusterctl does", async () => {
    const r = await init(...HK_PROVIDERS, "--wait-providers");
    expect(r.stderr).toBe(
      [
        "Fetching providers",
        'Installing cert-manager version="v1.19.1"',
        "Waiting for cert-manager to be available...",
        'Installing provider="cluster-api" version="v1.10.10" targetNamespace="capi-system"',
        'Installing provider="bootstrap-talos" version="v0.6.11" targetNamespace="cabpt-system"',
        'Installing provider="control-plane-talos" version="v0.5.12" targetNamespace="cacppt-system"',
        'Installing provider="infrastructure-hetzner" version="v1.0.7" targetNamespace="caph-system"',
        'Installing provider="addon-helm" version="v0.4.2" targetNamespace="caaph-system"',
        "Waiting for providers to be available...",
        "",
      ].join("\n"),
    );
    expect(r.stdout).toContain("Your management cluster has been initialized successfully!");
    expect(r.exitCode).toBe(0);

    const providers = await kube.kubectl(["get", "providers.clusterctl.cluster.x-k8s.io", "-A", "-o", "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {.type} {.version}{\"\\n\"}{end}"]);
    expect(providers.stdout.trim().split("\n").sort()).toEqual([
      "caaph-system/addon-helm AddonProvider v0.4.2",
      "cabpt-system/bootstrap-talos BootstrapProvider v0.6.11",
      "cacppt-system/control-plane-talos ControlPlaneProvider v0.5.12",
      "caph-system/infrastructure-hetzner InfrastructureProvider v1.0.7",
      "capi-system/cluster-api CoreProvider v1.10.10",
    ]);
    const wait = await kube.kubectl(["wait", "--for=condition=Available", "deployment/caph-controller-manager", "-n", "caph-system", "--timeout=60s"]);
    expect(wait.exitCode).toBe(0);
    const crds = await kube.kubectl(["get", "crds", "-l", "cluster.x-k8s.io/provider=infrastructure-hetzner", "-o", "name"]);
    expect(crds.stdout).toContain("customresourcedefinition.apiextensions.k8s.io/hetznerclusters.infrastructure.cluster.x-k8s.io");
    const kinds = await kube.kubectl(["api-resources", "--api-group=controlplane.cluster.x-k8s.io", "-o", "name"]);
    expect(kinds.stdout).toContain("taloscontrolplanes.controlplane.cluster.x-k8s.io");
  });

  it("refuses a provider on the v1beta2 contract before installing anything", async () => {
    const r = await init("--core", "cluster-api:v1.10.10", "--bootstrap", "talos:v0.6.11", "--control-plane", "talos:v0.5.12", "--infrastructure", "hetzner:v1.1.0");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("Fetching providers\nError: current version of clusterctl is only compatible with v1beta1 providers, detected v1beta2 for provider infrastructure-hetzner\n");
    const ns = await kube.kubectl(["get", "ns", "capi-system"]);
    expect(ns.exitCode).toBe(1);
  });

  it("names an unknown provider, and an unknown flag, with exit 1", async () => {
    const unknown = await init("--infrastructure", "nope");
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("Error: failed to get configuration for the InfrastructureProvider with name nope.");
    const flag = await init("--frobnicate");
    expect(flag).toMatchObject({ exitCode: 1, stderr: "Error: unknown flag: --frobnicate\n" });
  });
});

// These share one management cluster, initialised once (the slow part).
describe("clusterctl on an initialised management cluster", () => {
  beforeAll(async () => {
    kube = await startKubeFixture();
    expect((await init(...HK_PROVIDERS)).exitCode).toBe(0);
  });
  afterAll(async () => {
    await kube.close();
  });

  it("a repeat run with the same versions prints only the fetch and the cert-manager skip, and changes nothing", async () => {
    const before = await kube.kubectl(["get", "providers.clusterctl.cluster.x-k8s.io", "-A", "-o", "jsonpath={.items[*].metadata.resourceVersion}"]);
    const again = await init(...HK_PROVIDERS);
    expect(again).toEqual({ exitCode: 0, stdout: "", stderr: "Fetching providers\nSkipping installing cert-manager as it is already installed\n" });
    const after = await kube.kubectl(["get", "providers.clusterctl.cluster.x-k8s.io", "-A", "-o", "jsonpath={.items[*].metadata.resourceVersion}"]);
    expect(after.stdout).toBe(before.stdout);
  });

  it("refuses a second instance of an installed provider", async () => {
    const r = await init("--bootstrap", "talos:v0.6.12");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Error: installing provider "bootstrap-talos" can lead to a non functioning management cluster: there is already an instance of the "bootstrap-talos" provider installed in the "cabpt-system" namespace');
  });

  it("get kubeconfig prints the cluster's kubeconfig secret, and names a missing one", async () => {
    const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";
    await kube.kubectl(["create", "secret", "generic", "k8s-kubeconfig", "-n", "default", `--from-literal=value=${kubeconfig}`]);
    const r = await clusterctl(["get", "kubeconfig", "k8s", "--kubeconfig", kube.kubeconfig]);
    expect(r).toEqual({ exitCode: 0, stdout: `${kubeconfig}\n`, stderr: "" });
    const missing = await clusterctl(["get", "kubeconfig", "nope", "--kubeconfig", kube.kubeconfig]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Error: "nope-kubeconfig" not found in namespace "default"');
  });
});
