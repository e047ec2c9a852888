// The workload cluster's Cluster API objects, generated from cluster.config.ts as the seed's
// working cluster has them: Cluster, HetznerCluster, HCloudMachineTemplate, TalosControlPlane and
// MachineHealthCheck. Only fields hk decides are set; what the controllers fill in
// (controlPlaneEndpoint, status) is left to them, so server-side apply never fights CAPH over it.
import { createHash } from "node:crypto";
import type { ClusterConfig } from "../../config/schema.js";
import { controlPlanePatches, talosMinor } from "./talos-patches.js";

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

export const CAPI = "cluster.x-k8s.io/v1beta1";
export const CAPH = "infrastructure.cluster.x-k8s.io/v1beta1";
export const CACPPT = "controlplane.cluster.x-k8s.io/v1alpha3";
/** Cluster API objects live in one namespace, as in the working cluster. */
export const CAPI_NAMESPACE = "default";
/** The Secret CAPH reads the token from (moved with the cluster by its move label). */
export const HETZNER_SECRET = { name: "hetzner", key: "hcloud-token" } as const;
/** The placement group the control-plane servers are spread over. */
export const CONTROL_PLANE_GROUP = "control-plane";

/** The labels the add-ons' HelmChartProxies select the cluster by. */
export const ADDON_LABELS = { cni: "cilium", ccm: "hcloud", "ccm-talos": "true" } as const;

export function controlPlaneName(config: ClusterConfig): string {
  return `${config.name}-control-plane`;
}

/**
 * Ten hex digits of the spec's SHA-256, for the names of immutable templates (machine templates,
 * Talos config templates): a changed spec gets a new name, so CAPI rolls what refers to it.
 * Key order counts: the specs are built in one fixed order, and names already in clusters stay.
 */
export function specHash(spec: unknown): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 10);
}

function meta(name: string, labels?: Record<string, string>): Manifest["metadata"] {
  return { name, namespace: CAPI_NAMESPACE, ...(labels ? { labels } : {}) };
}

export function clusterObject(config: ClusterConfig): Manifest {
  return {
    apiVersion: CAPI,
    kind: "Cluster",
    metadata: meta(config.name, { ...ADDON_LABELS }),
    spec: {
      clusterNetwork: { pods: { cidrBlocks: [config.network.pods] }, services: { cidrBlocks: [config.network.services] } },
      controlPlaneRef: { apiVersion: CACPPT, kind: "TalosControlPlane", name: controlPlaneName(config) },
      infrastructureRef: { apiVersion: CAPH, kind: "HetznerCluster", name: config.name },
    },
  };
}

/** Network, load balancer (6443, and 50000 for talosctl), placement group and region; CAPH does not manage firewalls. */
export function hetznerClusterObject(config: ClusterConfig): Manifest {
  const location = config.hcloud.location;
  return {
    apiVersion: CAPH,
    kind: "HetznerCluster",
    metadata: meta(config.name),
    spec: {
      controlPlaneLoadBalancer: {
        enabled: true,
        region: location,
        type: config.controlPlane.loadBalancerType,
        port: 6443,
        algorithm: "round_robin",
        extraServices: [{ protocol: "tcp", listenPort: 50000, destinationPort: 50000 }],
      },
      controlPlaneRegions: [location],
      hcloudNetwork: {
        enabled: true,
        cidrBlock: config.network.cidr,
        subnetCidrBlock: config.network.controlPlaneSubnet,
        networkZone: config.hcloud.networkZone,
      },
      hcloudPlacementGroups: [{ name: CONTROL_PLANE_GROUP, type: "spread" }],
      sshKeys: { hcloud: [] },
      hetznerSecretRef: { name: HETZNER_SECRET.name, key: { hcloudToken: HETZNER_SECRET.key } },
    },
  };
}

/**
 * `imageName` is the Talos snapshot's caph-image-name label: exactly one snapshot must carry it.
 * Named `<cluster>-control-plane-<spec hash>` as the worker pools' templates are: CAPH refuses a
 * template's spec change, and CACPPT rolls its machines when the template's name changes.
 */
export function machineTemplateObject(config: ClusterConfig, imageName: string): Manifest {
  const spec = {
    template: {
      spec: {
        type: config.controlPlane.serverType,
        imageName,
        placementGroupName: CONTROL_PLANE_GROUP,
        publicNetwork: { enableIPv4: true, enableIPv6: true },
      },
    },
  };
  return { apiVersion: CAPH, kind: "HCloudMachineTemplate", metadata: meta(`${controlPlaneName(config)}-${specHash(spec)}`), spec };
}

/** The hostname comes from the Hetzner server's name: MachineName broke the CCM's node matching. */
export function talosControlPlaneObject(config: ClusterConfig, template: Manifest): Manifest {
  return {
    apiVersion: CACPPT,
    kind: "TalosControlPlane",
    metadata: meta(controlPlaneName(config)),
    spec: {
      version: config.kubernetes.version,
      replicas: config.controlPlane.replicas,
      infrastructureTemplate: { apiVersion: CAPH, kind: "HCloudMachineTemplate", name: template.metadata.name },
      controlPlaneConfig: {
        controlplane: {
          generateType: "controlplane",
          talosVersion: talosMinor(config.talos.version),
          hostname: { source: "InfrastructureName" },
          strategicPatches: controlPlanePatches(config),
        },
      },
    },
  };
}

/** Durations in the API server's normal form (15m0s, not 15m), so a GitOps diff sees no drift. */
export function machineHealthCheckObject(config: ClusterConfig): Manifest {
  return {
    apiVersion: CAPI,
    kind: "MachineHealthCheck",
    metadata: meta(`${controlPlaneName(config)}-mhc`),
    spec: {
      clusterName: config.name,
      maxUnhealthy: 1,
      nodeStartupTimeout: "15m0s",
      selector: { matchLabels: { "cluster.x-k8s.io/control-plane-name": controlPlaneName(config) } },
      unhealthyConditions: [
        { type: "Ready", status: "False", timeout: "5m0s" },
        { type: "Ready", status: "Unknown", timeout: "5m0s" },
      ],
    },
  };
}

/** The control plane's objects, owners before what they refer to. */
export function workloadClusterObjects(config: ClusterConfig, imageName: string): Manifest[] {
  const template = machineTemplateObject(config, imageName);
  return [clusterObject(config), hetznerClusterObject(config), template, talosControlPlaneObject(config, template), machineHealthCheckObject(config)];
}

/** An object of a set as hk holds it (declared, recorded or read back): kind, name and spec. */
interface NamedObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string | undefined; namespace?: string | undefined };
  spec?: unknown;
}

const templateRef = (tcp: NamedObject): string | undefined => {
  const ref = (tcp.spec as { infrastructureTemplate?: { name?: unknown } } | undefined)?.infrastructureTemplate?.name;
  return typeof ref === "string" ? ref : undefined;
};

/** The TalosControlPlane of a set and the name of the machine template it refers to. */
export function controlPlaneTemplate<T extends NamedObject>(objects: readonly T[]): { tcp: T; name: string } | undefined {
  const tcp = objects.find((o) => o.kind === "TalosControlPlane");
  const name = tcp ? templateRef(tcp) : undefined;
  return tcp && name ? { tcp, name } : undefined;
}

/**
 * The set with the control plane's machine template named `name`, the TalosControlPlane's
 * reference with it. For a template whose spec is what the cluster already runs on under another
 * name (one an older hk gave it): keeping that name keeps CACPPT from rolling the control plane
 * for nothing, and the plan compares the template by its spec alone.
 */
export function renameControlPlaneTemplate<T extends NamedObject>(objects: readonly T[], name: string): T[] {
  const found = controlPlaneTemplate(objects);
  if (!found || found.name === name) return [...objects];
  return objects.map((o) => {
    if (o === found.tcp) {
      const spec = o.spec as { infrastructureTemplate: Record<string, unknown> };
      return { ...o, spec: { ...spec, infrastructureTemplate: { ...spec.infrastructureTemplate, name } } };
    }
    if (o.kind === "HCloudMachineTemplate" && o.metadata.name === found.name) return { ...o, metadata: { ...o.metadata, name } };
    return o;
  });
}
