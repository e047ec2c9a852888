// The providers the sandbox's clusterctl knows, as clusterctl v1.10.10's built-in list names them
// (`name[:version]` per type), with what its repository would tell it: the newest release on the
// v1beta1 contract, the contract of each release, the namespace and controller its components make.
export type ProviderType = "CoreProvider" | "BootstrapProvider" | "ControlPlaneProvider" | "InfrastructureProvider" | "AddonProvider";

/** Install order, as clusterctl installs them. */
export const TYPE_ORDER: readonly ProviderType[] = ["CoreProvider", "BootstrapProvider", "ControlPlaneProvider", "InfrastructureProvider", "AddonProvider"];

/** The providers a command's --core/--bootstrap/--control-plane/--infrastructure/--addon flags name, per type, in TYPE_ORDER. */
export function namedByType(o: { core?: string | undefined; bootstrap: string[]; controlPlane: string[]; infrastructure: string[]; addon: string[] }): [ProviderType, string[]][] {
  return [
    ["CoreProvider", o.core ? [o.core] : []],
    ["BootstrapProvider", o.bootstrap],
    ["ControlPlaneProvider", o.controlPlane],
    ["InfrastructureProvider", o.infrastructure],
    ["AddonProvider", o.addon],
  ];
}

const TYPE_PREFIX: Record<ProviderType, string> = {
  CoreProvider: "",
  BootstrapProvider: "bootstrap-",
  ControlPlaneProvider: "control-plane-",
  InfrastructureProvider: "infrastructure-",
  AddonProvider: "addon-",
};

export interface ProviderInfo {
  name: string;
  type: ProviderType;
  /** Default target namespace of its components. */
  namespace: string;
  /** The controller Deployment its components run. */
  deployment: string;
  image: string;
  /** Newest release on the v1beta1 contract ("latest" for clusterctl v1.10). */
  latest: string;
  /** The contract a release implements. */
  contract(version: string): "v1beta1" | "v1beta2";
  /** Vendored CRD folders (vendor/crds/<folder>) whose files are this provider's. */
  crdFolders: string[];
  /** Kinds of the provider not in the vendored CRDs, served without a schema (group, kind, plural). */
  extraKinds: ExtraKind[];
}

export interface ExtraKind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function minorAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^v(\d+)\.(\d+)\./.exec(version);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

const coreContract = (v: string) => (minorAtLeast(v, 1, 11) ? "v1beta2" : "v1beta1");

const CAPI_EXTRA: ExtraKind[] = [
  { group: "cluster.x-k8s.io", version: "v1beta1", kind: "MachineSet", plural: "machinesets", namespaced: true },
  { group: "cluster.x-k8s.io", version: "v1beta1", kind: "ClusterClass", plural: "clusterclasses", namespaced: true },
  { group: "addons.cluster.x-k8s.io", version: "v1beta1", kind: "ClusterResourceSet", plural: "clusterresourcesets", namespaced: true },
  { group: "addons.cluster.x-k8s.io", version: "v1beta1", kind: "ClusterResourceSetBinding", plural: "clusterresourcesetbindings", namespaced: true },
];

const PROVIDERS: ProviderInfo[] = [
  { name: "cluster-api", type: "CoreProvider", namespace: "capi-system", deployment: "capi-controller-manager", image: "registry.k8s.io/cluster-api/cluster-api-controller", latest: "v1.10.10", contract: coreContract, crdFolders: ["cluster-api"], extraKinds: CAPI_EXTRA },
  { name: "kubeadm", type: "BootstrapProvider", namespace: "capi-kubeadm-bootstrap-system", deployment: "capi-kubeadm-bootstrap-controller-manager", image: "registry.k8s.io/cluster-api/kubeadm-bootstrap-controller", latest: "v1.10.10", contract: coreContract, crdFolders: [], extraKinds: [{ group: "bootstrap.cluster.x-k8s.io", version: "v1beta1", kind: "KubeadmConfig", plural: "kubeadmconfigs", namespaced: true }] },
  { name: "talos", type: "BootstrapProvider", namespace: "cabpt-system", deployment: "cabpt-controller-manager", image: "ghcr.io/siderolabs/cluster-api-talos-controller", latest: "v0.6.12", contract: () => "v1beta1", crdFolders: ["cabpt"], extraKinds: [] },
  { name: "kubeadm", type: "ControlPlaneProvider", namespace: "capi-kubeadm-control-plane-system", deployment: "capi-kubeadm-control-plane-controller-manager", image: "registry.k8s.io/cluster-api/kubeadm-control-plane-controller", latest: "v1.10.10", contract: coreContract, crdFolders: [], extraKinds: [{ group: "controlplane.cluster.x-k8s.io", version: "v1beta1", kind: "KubeadmControlPlane", plural: "kubeadmcontrolplanes", namespaced: true }] },
  { name: "talos", type: "ControlPlaneProvider", namespace: "cacppt-system", deployment: "cacppt-controller-manager", image: "ghcr.io/siderolabs/cluster-api-control-plane-talos-controller", latest: "v0.5.13", contract: () => "v1beta1", crdFolders: ["cacppt"], extraKinds: [] },
  { name: "hetzner", type: "InfrastructureProvider", namespace: "caph-system", deployment: "caph-controller-manager", image: "ghcr.io/syself/caph", latest: "v1.0.12", contract: (v) => (minorAtLeast(v, 1, 1) ? "v1beta2" : "v1beta1"), crdFolders: ["caph"], extraKinds: [] },
  {
    name: "helm",
    type: "AddonProvider",
    namespace: "caaph-system",
    deployment: "caaph-controller-manager",
    image: "registry.k8s.io/cluster-api-helm/cluster-api-helm-controller",
    latest: "v0.4.2",
    contract: (v) => (minorAtLeast(v, 0, 5) ? "v1beta2" : "v1beta1"),
    crdFolders: ["caaph"],
    extraKinds: [{ group: "addons.cluster.x-k8s.io", version: "v1alpha1", kind: "HelmReleaseProxy", plural: "helmreleaseproxies", namespaced: true }],
  },
];

/** `bootstrap-talos`, `infrastructure-hetzner`, `cluster-api`: the inventory name and provider label. */
export function manifestLabel(name: string, type: ProviderType): string {
  return `${TYPE_PREFIX[type]}${name}`;
}

export interface ProviderRequest {
  info: ProviderInfo;
  version: string;
  label: string;
  namespace: string;
}

export class ClusterctlError extends Error {}

/** Parses `name[:version]` of one type, as the init and upgrade flags take them. */
export function resolveProvider(arg: string, type: ProviderType, targetNamespace?: string): ProviderRequest {
  const [rawName = "", version] = arg.toLowerCase().split(":");
  const info = PROVIDERS.find((p) => p.name === rawName && p.type === type);
  if (!info) {
    throw new ClusterctlError(`failed to get configuration for the ${type} with name ${rawName}. Please check the provider name and/or add configuration for new providers using the .clusterctl config file`);
  }
  if (version !== undefined && !/^v\d+\.\d+\.\d+$/.test(version)) {
    throw new ClusterctlError(`failed to parse version "${version}" for provider ${manifestLabel(info.name, type)}: expected a version like v1.2.3`);
  }
  return { info, version: version ?? info.latest, label: manifestLabel(info.name, type), namespace: targetNamespace ?? info.namespace };
}
