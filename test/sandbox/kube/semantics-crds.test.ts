// Every vendored CRD's served schema against a realistic object of its kind (the fields the
// working cluster's manifests set, see reference/working-cluster/DESCRIPTION.md): it validates,
// gets the CRD's defaults, and loses only the fields the schema does not know.
import { describe, expect, it } from "vitest";
import { checkObject } from "../../../src/sandbox/kube/semantics/schema.js";
import type { KubeObject } from "../../../src/sandbox/kube/types.js";
import { servedSchemas } from "./crd-fixtures.js";

const schemas = servedSchemas();
const meta = (name: string, namespace = "default") => ({ name, namespace });

interface Case { key: string; object: KubeObject; defaults?: Record<string, unknown> }

const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name });

const cases: Case[] = [
  {
    key: "cluster.x-k8s.io/v1beta1 Cluster",
    object: {
      apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Cluster", metadata: { ...meta("k8s"), labels: { cni: "cilium", ccm: "hcloud", "ccm-talos": "true" } },
      spec: {
        clusterNetwork: { pods: { cidrBlocks: ["10.10.128.0/17"] }, services: { cidrBlocks: ["10.10.96.0/20"] } },
        controlPlaneRef: ref("controlplane.cluster.x-k8s.io/v1alpha3", "TalosControlPlane", "k8s-control-plane"),
        infrastructureRef: ref("infrastructure.cluster.x-k8s.io/v1beta1", "HetznerCluster", "k8s"),
      },
    },
  },
  {
    key: "infrastructure.cluster.x-k8s.io/v1beta1 HetznerCluster",
    object: {
      apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HetznerCluster", metadata: meta("k8s"),
      spec: {
        controlPlaneEndpoint: { host: "", port: 6443 },
        controlPlaneLoadBalancer: { enabled: true, region: "nbg1", type: "lb11", port: 6443, algorithm: "round_robin", extraServices: [{ protocol: "tcp", listenPort: 50000, destinationPort: 50000 }] },
        controlPlaneRegions: ["nbg1"],
        hcloudNetwork: { enabled: true, cidrBlock: "10.10.0.0/16", subnetCidrBlock: "10.10.64.0/25", networkZone: "eu-central" },
        hcloudPlacementGroups: [{ name: "control-plane" }],
        sshKeys: { hcloud: [] },
        hetznerSecretRef: { name: "hetzner", key: { hcloudToken: "hcloud-token" } },
      },
    },
    defaults: { "spec.hcloudPlacementGroups.0.type": "spread", "spec.hetznerSecretRef.key.hetznerRobotUser": "hetzner-robot-user" },
  },
  {
    key: "infrastructure.cluster.x-k8s.io/v1beta1 HCloudMachineTemplate",
    object: {
      apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HCloudMachineTemplate", metadata: meta("k8s-control-plane"),
      spec: { template: { spec: { type: "cx33", imageName: "talos-amd64-v1.12.2", placementGroupName: "control-plane", publicNetwork: { enableIPv4: true } } } },
    },
    defaults: { "spec.template.spec.publicNetwork.enableIPv6": true },
  },
  {
    key: "infrastructure.cluster.x-k8s.io/v1beta1 HCloudMachine",
    object: { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HCloudMachine", metadata: meta("k8s-control-plane-abcde"), spec: { type: "cx33", imageName: "talos-amd64-v1.12.2", publicNetwork: {} } },
    defaults: { "spec.publicNetwork.enableIPv4": true },
  },
  {
    key: "infrastructure.cluster.x-k8s.io/v1beta1 HetznerClusterTemplate",
    object: {
      apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HetznerClusterTemplate", metadata: meta("k8s"),
      spec: { template: { spec: { controlPlaneRegions: ["nbg1"], hetznerSecretRef: { name: "hetzner", key: {} }, sshKeys: {}, controlPlaneLoadBalancer: { region: "nbg1" } } } },
    },
    defaults: { "spec.template.spec.controlPlaneLoadBalancer.port": 6443, "spec.template.spec.hetznerSecretRef.key.hcloudToken": "hcloud-token" },
  },
  {
    key: "controlplane.cluster.x-k8s.io/v1alpha3 TalosControlPlane",
    object: {
      apiVersion: "controlplane.cluster.x-k8s.io/v1alpha3", kind: "TalosControlPlane", metadata: meta("k8s-control-plane"),
      spec: {
        version: "v1.32.2", replicas: 3,
        infrastructureTemplate: ref("infrastructure.cluster.x-k8s.io/v1beta1", "HCloudMachineTemplate", "k8s-control-plane"),
        controlPlaneConfig: { controlplane: { generateType: "controlplane", talosVersion: "v1.12", hostname: { source: "InfrastructureName" }, strategicPatches: ["machine:\n  nodeAnnotations:\n    rollout-trigger: x\n"] } },
      },
    },
    defaults: { "spec.rolloutStrategy.type": "RollingUpdate", "spec.rolloutStrategy.rollingUpdate.maxSurge": 1 },
  },
  {
    key: "bootstrap.cluster.x-k8s.io/v1alpha3 TalosConfig",
    object: { apiVersion: "bootstrap.cluster.x-k8s.io/v1alpha3", kind: "TalosConfig", metadata: meta("k8s-control-plane-x"), spec: { generateType: "controlplane", talosVersion: "v1.12" } },
  },
  {
    key: "bootstrap.cluster.x-k8s.io/v1alpha3 TalosConfigTemplate",
    object: { apiVersion: "bootstrap.cluster.x-k8s.io/v1alpha3", kind: "TalosConfigTemplate", metadata: meta("workers"), spec: { template: { spec: { generateType: "worker", talosVersion: "v1.12" } } } },
  },
  {
    key: "cluster.x-k8s.io/v1beta1 MachineHealthCheck",
    object: {
      apiVersion: "cluster.x-k8s.io/v1beta1", kind: "MachineHealthCheck", metadata: meta("k8s-control-plane-mhc"),
      spec: {
        clusterName: "k8s", maxUnhealthy: 1, nodeStartupTimeout: "15m0s",
        selector: { matchLabels: { "cluster.x-k8s.io/control-plane-name": "k8s-control-plane" } },
        unhealthyConditions: [{ type: "Ready", status: "False", timeout: "5m0s" }, { type: "Ready", status: "Unknown", timeout: "5m0s" }],
      },
    },
  },
  {
    key: "cluster.x-k8s.io/v1beta1 MachineDeployment",
    object: {
      apiVersion: "cluster.x-k8s.io/v1beta1", kind: "MachineDeployment", metadata: meta("workers"),
      spec: {
        clusterName: "k8s", selector: { matchLabels: { pool: "workers" } },
        template: { metadata: { labels: { pool: "workers" } }, spec: { clusterName: "k8s", version: "v1.32.2", bootstrap: { configRef: ref("bootstrap.cluster.x-k8s.io/v1alpha3", "TalosConfigTemplate", "workers") }, infrastructureRef: ref("infrastructure.cluster.x-k8s.io/v1beta1", "HCloudMachineTemplate", "workers") } },
      },
    },
  },
  {
    key: "cluster.x-k8s.io/v1beta1 Machine",
    object: {
      apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Machine", metadata: meta("k8s-control-plane-x"),
      spec: { clusterName: "k8s", version: "v1.32.2", bootstrap: { dataSecretName: "k8s-control-plane-x" }, infrastructureRef: ref("infrastructure.cluster.x-k8s.io/v1beta1", "HCloudMachine", "k8s-control-plane-x") },
    },
  },
  {
    key: "clusterctl.cluster.x-k8s.io/v1alpha3 Provider",
    object: { apiVersion: "clusterctl.cluster.x-k8s.io/v1alpha3", kind: "Provider", metadata: meta("infrastructure-hetzner", "caph-system"), providerName: "hetzner", type: "InfrastructureProvider", version: "v1.0.7" } as KubeObject,
  },
  {
    key: "addons.cluster.x-k8s.io/v1alpha1 HelmChartProxy",
    object: {
      apiVersion: "addons.cluster.x-k8s.io/v1alpha1", kind: "HelmChartProxy", metadata: meta("cilium"),
      spec: { clusterSelector: { matchLabels: { cni: "cilium" } }, repoURL: "https://helm.cilium.io/", chartName: "cilium", version: "1.19.0", namespace: "kube-system", releaseName: "cilium", valuesTemplate: "ipam:\n  mode: kubernetes\n", options: {} },
    },
    defaults: { "spec.options.enableClientCache": false },
  },
  {
    key: "argoproj.io/v1alpha1 Application",
    object: {
      apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { ...meta("cluster-api", "argocd"), labels: { "app.kubernetes.io/name": "cluster-api" } },
      spec: {
        project: "default",
        source: { repoURL: "https://github.com/samuelbagattin/talos-hetzner-capi.git", targetRevision: "HEAD", path: "cluster-api" },
        destination: { server: "https://kubernetes.default.svc", namespace: "default" },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
      },
    },
  },
  {
    key: "argoproj.io/v1alpha1 ApplicationSet",
    object: {
      apiVersion: "argoproj.io/v1alpha1", kind: "ApplicationSet", metadata: meta("platform", "argocd"),
      spec: {
        generators: [{ git: { repoURL: "https://github.com/samuelbagattin/talos-hetzner-capi.git", revision: "HEAD", directories: [{ path: "argocd/applications/*/*" }] } }],
        template: {
          metadata: { name: "{{path[2]}}-{{path[3]}}", labels: { "app.kubernetes.io/managed-by": "argocd" } },
          spec: {
            project: "default", source: { repoURL: "https://github.com/samuelbagattin/talos-hetzner-capi.git", targetRevision: "HEAD", path: "{{path}}" },
            destination: { server: "https://kubernetes.default.svc", namespace: "{{path[2]}}" },
            syncPolicy: { automated: { prune: true, selfHeal: true }, managedNamespaceMetadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } }, syncOptions: ["CreateNamespace=true"] },
          },
        },
      },
    },
  },
  {
    key: "argoproj.io/v1alpha1 AppProject",
    object: { apiVersion: "argoproj.io/v1alpha1", kind: "AppProject", metadata: meta("default", "argocd"), spec: { sourceRepos: ["*"], destinations: [{ server: "*", namespace: "*" }], clusterResourceWhitelist: [{ group: "*", kind: "*" }] } },
  },
];

function at(obj: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, k) => (v === undefined || v === null ? undefined : (v as Record<string, unknown>)[k]), obj);
}

describe("the vendored CRDs", () => {
  it("every served kind has a case here", () => {
    expect([...schemas.keys()].filter((k) => !k.endsWith("/v1alpha2 TalosConfig") && !k.endsWith("/v1alpha2 TalosConfigTemplate")).sort()).toEqual(cases.map((c) => c.key).sort());
  });

  it.each(cases)("$key: a realistic object validates and gets the CRD's defaults", ({ key, object, defaults }) => {
    const schema = schemas.get(key);
    if (!schema) throw new Error(`no served schema for ${key}`);
    const out = checkObject(object, schema);
    expect(out.causes).toEqual([]);
    expect(out.unknownFields).toEqual([]);
    for (const [path, value] of Object.entries(defaults ?? {})) expect(at(out.object, path), path).toEqual(value);
  });

  it.each(cases)("$key: an unknown field is pruned and named", ({ key, object }) => {
    const out = checkObject({ ...object, spec: { ...(object.spec as object), bogusField: true } }, schemas.get(key) ?? {});
    if (key.endsWith(" Provider")) return expect(out.unknownFields).toEqual(["spec"]); // Provider has no spec in its schema
    expect(out.unknownFields).toEqual(["spec.bogusField"]);
    expect(out.object.spec).not.toHaveProperty("bogusField");
  });

  it("Cluster.spec.paused as a string is refused as the apiserver words it", () => {
    const out = checkObject({ apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Cluster", metadata: meta("bad2"), spec: { paused: "string" } }, schemas.get("cluster.x-k8s.io/v1beta1 Cluster") ?? {});
    expect(out.causes).toEqual([{ reason: "FieldValueInvalid", field: "spec.paused", message: 'Invalid value: "string": spec.paused in body must be of type boolean: "string"' }]);
  });

  it("HetznerCluster: a bad enum, a missing required field and a bad placement group type", () => {
    const out = checkObject(
      { apiVersion: "infrastructure.cluster.x-k8s.io/v1beta1", kind: "HetznerCluster", metadata: meta("k8s"), spec: { controlPlaneRegions: ["mars1"], sshKeys: {}, hetznerSecretRef: { key: {} }, hcloudPlacementGroups: [{ name: "cp", type: "cluster" }] } },
      schemas.get("infrastructure.cluster.x-k8s.io/v1beta1 HetznerCluster") ?? {},
    );
    expect(out.causes.map((c) => `${c.field}: ${c.message}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^spec\.controlPlaneRegions\[0\]: Unsupported value: "mars1": supported values: "fsn1", "hel1", "nbg1"/),
      expect.stringMatching(/^spec\.hcloudPlacementGroups\[0\]\.type: Unsupported value: "cluster": supported values: "spread"$/),
    ]));
  });
});
