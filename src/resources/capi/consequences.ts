// What a change of the Cluster API side does to the servers, in the words a plan shows: the
// controllers, not hk, add, replace and delete machines, so the plan says what they will do.
// CACPPT replaces control-plane machines one at a time (a new one joins, an old one leaves) when
// the Kubernetes version, the Talos image or the server type changes; a MachineDeployment does the
// same for its pool (maxSurge 1, maxUnavailable 0, see workers.ts) when its templates change.
import type { ClusterConfig, Taint } from "../../config/schema.js";
import { below } from "./preflight.js";

export interface CapiWorkerSpec {
  name: string;
  serverType: string;
  replicas: number;
  labels?: Record<string, string>;
  taints?: Taint[];
}

/** The part of the config the Cluster API side's plan lines and costs depend on. */
export interface CapiSpec {
  location: string;
  controlPlane: { replicas: number; serverType: string };
  loadBalancerType: string;
  kubernetesVersion: string;
  talosVersion: string;
  workers: CapiWorkerSpec[];
  versions: { cacppt: string };
}

export function capiSpecOf(config: ClusterConfig): CapiSpec {
  return {
    location: config.hcloud.location,
    controlPlane: { replicas: config.controlPlane.replicas, serverType: config.controlPlane.serverType },
    loadBalancerType: config.controlPlane.loadBalancerType,
    kubernetesVersion: config.kubernetes.version,
    talosVersion: config.talos.version,
    workers: config.workers.map((w) => ({ name: w.name, serverType: w.serverType, replicas: w.replicas, labels: w.labels, taints: w.taints })),
    versions: { cacppt: config.versions.cacppt },
  };
}

const servers = (n: number) => `${n} server${n === 1 ? "" : "s"}`;

/** Why machines are replaced: each change that makes new servers, in words. */
function rollReasons(before: CapiSpec, after: CapiSpec, serverType: [string, string]): string[] {
  const out: string[] = [];
  if (before.kubernetesVersion !== after.kubernetesVersion) out.push(`Kubernetes ${before.kubernetesVersion} → ${after.kubernetesVersion}`);
  if (before.talosVersion !== after.talosVersion) out.push(`Talos ${before.talosVersion} → ${after.talosVersion}`);
  if (serverType[0] !== serverType[1]) out.push(`server type ${serverType[0]} → ${serverType[1]}`);
  return out;
}

function controlPlaneLines(before: CapiSpec, after: CapiSpec): string[] {
  const [b, a] = [before.controlPlane, after.controlPlane];
  const out: string[] = [];
  const reasons = rollReasons(before, after, [b.serverType, a.serverType]);
  if (reasons.length > 0) {
    out.push(`control-plane nodes replaced one at a time (${reasons.join(", ")})`);
    if (below(after.versions.cacppt, "v0.5.13")) {
      out.push(`warning: CACPPT ${after.versions.cacppt} can stall this rolling update, the new machine never joining etcd (CACPPT issue #237); set versions.cacppt to v0.5.13 or later first`);
    }
  }
  if (a.replicas > b.replicas) out.push(`${a.replicas - b.replicas} control-plane ${a.replicas - b.replicas === 1 ? "server" : "servers"} added (${a.serverType}, ${after.location})`);
  if (a.replicas < b.replicas) out.push(`${b.replicas - a.replicas} control-plane ${b.replicas - a.replicas === 1 ? "server" : "servers"} removed (${b.replicas} → ${a.replicas}; etcd members leave one at a time)`);
  if (before.loadBalancerType !== after.loadBalancerType) out.push(`control-plane load balancer ${before.loadBalancerType} → ${after.loadBalancerType}`);
  return out;
}

/** A pool's machine config: labels and taints reach nodes only through new machines (templates are immutable). */
function machineConfigChanged(b: CapiWorkerSpec, a: CapiWorkerSpec): boolean {
  return JSON.stringify([b.labels ?? {}, b.taints ?? []]) !== JSON.stringify([a.labels ?? {}, a.taints ?? []]);
}

function workerLines(before: CapiSpec, after: CapiSpec): string[] {
  const out: string[] = [];
  for (const a of after.workers) {
    const b = before.workers.find((w) => w.name === a.name);
    if (!b) {
      out.push(`worker pool ${a.name} added: ${a.replicas} × ${a.serverType}`);
      continue;
    }
    const reasons = rollReasons(before, after, [b.serverType, a.serverType]);
    if (machineConfigChanged(b, a)) reasons.push("labels or taints changed");
    if (reasons.length > 0 && Math.min(a.replicas, b.replicas) > 0) out.push(`workers of pool ${a.name} replaced one at a time (${reasons.join(", ")})`);
    if (a.replicas > b.replicas) out.push(`worker pool ${a.name}: ${a.replicas - b.replicas} × ${a.serverType} added (${b.replicas} → ${a.replicas})`);
    if (a.replicas < b.replicas) out.push(`worker pool ${a.name}: ${servers(b.replicas - a.replicas)} deleted (${b.replicas} → ${a.replicas})`);
  }
  for (const b of before.workers.filter((w) => !after.workers.some((a) => a.name === w.name))) {
    out.push(`worker pool ${b.name} removed: ${servers(b.replicas)} deleted`);
  }
  return out;
}

/** Plan lines for a change from `before` (undefined: the cluster is new) to `after`; none when nothing changes servers. */
export function capiConsequences(before: CapiSpec | undefined, after: CapiSpec): string[] {
  if (!before) {
    const cp = after.controlPlane;
    return [
      `${servers(cp.replicas)} for the control plane (${cp.serverType}, ${after.location}) and a ${after.loadBalancerType} load balancer, made by CAPH`,
      ...after.workers.map((w) => `worker pool ${w.name} added: ${w.replicas} × ${w.serverType}`),
    ];
  }
  return [...controlPlaneLines(before, after), ...workerLines(before, after)];
}

/** The label CAPH puts on everything it makes for a cluster (value "owned"). */
export const caphOwnedLabel = (cluster: string) => `caph-cluster-${cluster}`;

/**
 * Whether CAPH deletes this Hetzner object (a destroy sweep's find: its type and what it shows)
 * when the Cluster is deleted: the servers of its machines (CAPH labels them with their
 * machine_type), its load balancer, network and placement groups. Not what the CCM made for
 * Services, volumes, or a server CAPH did not make for a machine: the sweep deletes those.
 */
export function caphDeletes(cluster: string, found: { type: string; inputs: Record<string, unknown> }): boolean {
  const labels = (found.inputs["labels"] ?? {}) as Record<string, unknown>;
  if (labels[caphOwnedLabel(cluster)] !== "owned") return false;
  if (found.type === "hcloud_server") return typeof labels["machine_type"] === "string";
  return ["hcloud_load_balancer", "hcloud_network", "hcloud_placement_group"].includes(found.type);
}
