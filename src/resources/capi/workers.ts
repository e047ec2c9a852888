// The worker pools' Cluster API objects: per pool a MachineDeployment, the HCloudMachineTemplate its
// servers are made from and the TalosConfigTemplate their machine configs are generated from.
// Cluster API treats templates as immutable and rolls a MachineDeployment only when a template
// REFERENCE changes, so both templates are named after a hash of their spec: a new server type,
// image, label or taint gives a new name and CAPI replaces the pool's machines one at a time.
// No placement group: a spread group holds at most 10 servers, and it would have to be declared in
// the HetznerCluster beside the control plane's.
import { stringify } from "yaml";
import { CAPI_SYNCED_LABEL_PREFIXES, type ClusterConfig, type WorkerPool } from "../../config/schema.js";
import { CAPH, CAPI, CAPI_NAMESPACE, specHash, type Manifest } from "./manifests.js";
import { machineSettings, talosMinor } from "./talos-patches.js";

export const CABPT = "bootstrap.cluster.x-k8s.io/v1alpha3";
/** The label every Machine of a pool carries (CAPI adds it itself; hk selects by it). */
export const DEPLOYMENT_LABEL = "cluster.x-k8s.io/deployment-name";
export const CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";

export function workerPoolName(config: ClusterConfig, pool: Pick<WorkerPool, "name">): string {
  return `${config.name}-${pool.name}`;
}

function synced(key: string): boolean {
  const slash = key.lastIndexOf("/");
  return slash >= 0 && (CAPI_SYNCED_LABEL_PREFIXES as readonly string[]).includes(key.slice(0, slash));
}

/** Labels CAPI copies from the Machine to the Node (node-role.kubernetes.io/…): a node may not set those itself. */
function machineLabels(pool: WorkerPool): Record<string, string> {
  return Object.fromEntries(Object.entries(pool.labels).filter(([k]) => synced(k)));
}

/** Talos's nodeTaints take `value:effect`, or the effect alone for a taint without a value. */
function talosTaints(pool: WorkerPool): Record<string, string> {
  return Object.fromEntries(pool.taints.map((t) => [t.key, t.value ? `${t.value}:${t.effect}` : t.effect]));
}

/**
 * The control plane's machine settings (interfaces, kubelet on the external cloud provider, node IP
 * from the private network, host DNS), the pod and service ranges (the kubelet's cluster DNS address
 * comes from the service range) and the pool's own labels and taints.
 */
export function workerPatches(config: ClusterConfig, pool: WorkerPool): string[] {
  const nodeLabels = Object.fromEntries(Object.entries(pool.labels).filter(([k]) => !synced(k)));
  const own = {
    machine: {
      ...(Object.keys(nodeLabels).length > 0 ? { nodeLabels } : {}),
      ...(pool.taints.length > 0 ? { nodeTaints: talosTaints(pool) } : {}),
    },
  };
  const cluster = {
    cluster: {
      network: { podSubnets: [config.network.pods], serviceSubnets: [config.network.services], cni: { name: "none" } },
      externalCloudProvider: { enabled: true },
    },
  };
  const patches: object[] = [machineSettings(config, "worker"), cluster];
  if (Object.keys(own.machine).length > 0) patches.push(own);
  return patches.map((p) => stringify(p));
}

/**
 * The cluster-name label on all three, so a pool's superseded templates (left behind when a spec
 * change renames them) can be listed by cluster and pruned once no MachineSet uses them.
 */
function meta(config: ClusterConfig, name: string): Manifest["metadata"] {
  return { name, namespace: CAPI_NAMESPACE, labels: { [CLUSTER_NAME_LABEL]: config.name } };
}

export function workerMachineTemplateObject(config: ClusterConfig, pool: WorkerPool, imageName: string): Manifest {
  const spec = { template: { spec: { type: pool.serverType, imageName, publicNetwork: { enableIPv4: true, enableIPv6: true } } } };
  return { apiVersion: CAPH, kind: "HCloudMachineTemplate", metadata: meta(config, `${workerPoolName(config, pool)}-${specHash(spec)}`), spec };
}

/** The hostname from the server's name, as for the control plane (the CCM matches nodes to servers by it). */
export function workerTalosConfigTemplateObject(config: ClusterConfig, pool: WorkerPool): Manifest {
  const spec = {
    template: {
      spec: {
        generateType: "worker",
        talosVersion: talosMinor(config.talos.version),
        hostname: { source: "InfrastructureName" },
        strategicPatches: workerPatches(config, pool),
      },
    },
  };
  return { apiVersion: CABPT, kind: "TalosConfigTemplate", metadata: meta(config, `${workerPoolName(config, pool)}-${specHash(spec)}`), spec };
}

/** Surge one, keep all: a pool is replaced one machine at a time and never shrinks during a roll. */
export function machineDeploymentObject(config: ClusterConfig, pool: WorkerPool, infra: Manifest, bootstrap: Manifest): Manifest {
  const name = workerPoolName(config, pool);
  const labels = machineLabels(pool);
  return {
    apiVersion: CAPI,
    kind: "MachineDeployment",
    metadata: meta(config, name),
    spec: {
      clusterName: config.name,
      replicas: pool.replicas,
      selector: { matchLabels: { [DEPLOYMENT_LABEL]: name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { [DEPLOYMENT_LABEL]: name, ...labels } },
        spec: {
          clusterName: config.name,
          version: config.kubernetes.version,
          failureDomain: config.hcloud.location,
          bootstrap: { configRef: { apiVersion: CABPT, kind: "TalosConfigTemplate", name: bootstrap.metadata.name } },
          infrastructureRef: { apiVersion: CAPH, kind: "HCloudMachineTemplate", name: infra.metadata.name },
        },
      },
    },
  };
}

/** Per pool, templates before the MachineDeployment that refers to them; none without pools. */
export function workerPoolObjects(config: ClusterConfig, imageName: string): Manifest[] {
  return config.workers.flatMap((pool) => {
    const infra = workerMachineTemplateObject(config, pool, imageName);
    const bootstrap = workerTalosConfigTemplateObject(config, pool);
    return [infra, bootstrap, machineDeploymentObject(config, pool, infra, bootstrap)];
  });
}
