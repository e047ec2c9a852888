// Checks of the config that need no API: the provider matrix on one Cluster API contract, the
// known CACPPT rolling-update deadlock, Kubernetes against what the Talos release supports, what
// Hetzner's firewall does not cover, the machine config against Hetzner's user_data limit and the
// worker pools. `hcloudChecks` adds what needs the Hetzner API: every server type sold in the
// location, not deprecated there, and of the image's architecture. Each finding says what to do;
// the plan and `hk doctor` print them.
import { z } from "zod";
import type { ClusterConfig } from "../../config/schema.js";
import type { HcloudClient } from "../../providers/hcloud/index.js";
import { controlPlanePatches } from "./talos-patches.js";
import { workerPatches } from "./workers.js";

export interface Finding {
  check: string;
  ok: boolean;
  /** error: the cluster cannot come up as configured; warning: it can, with a risk named. */
  severity: "error" | "warning";
  message: string;
  fix?: string;
}

type Semver = [number, number, number];

function semver(v: string): Semver {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/** `v` is an older release than `limit` (both vX.Y.Z). */
export function below(v: string, limit: string): boolean {
  const [a, b] = [semver(v), semver(limit)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/**
 * clusterctl v1.10 installs providers of the v1beta1 contract only: CAPH from v1.1 and CAAPH from
 * v0.5 implement v1beta2 and are refused at `clusterctl init`.
 */
function contract(config: ClusterConfig): Finding[] {
  const v = config.versions;
  const core = semver(v.clusterApi);
  if (core[0] !== 1 || core[1] !== 10) {
    return [{ check: "provider contract", ok: false, severity: "error", message: `versions.clusterApi ${v.clusterApi}: hk drives the v1beta1 contract of Cluster API v1.10`, fix: "set versions.clusterApi to a v1.10.x release" }];
  }
  const refused = [
    { key: "caph", name: "CAPH", version: v.caph, limit: "v1.1.0" },
    { key: "caaph", name: "CAAPH", version: v.caaph, limit: "v0.5.0" },
  ].filter((p) => !below(p.version, p.limit));
  if (refused.length === 0) return [{ check: "provider contract", ok: true, severity: "error", message: `Cluster API ${v.clusterApi} with CAPH ${v.caph}, CABPT ${v.cabpt}, CACPPT ${v.cacppt}, CAAPH ${v.caaph}: all on contract v1beta1` }];
  return refused.map((p) => ({
    check: "provider contract",
    ok: false,
    severity: "error" as const,
    message: `versions.${p.key} ${p.version}: ${p.name} from ${p.limit} implements contract v1beta2, which clusterctl ${v.clusterApi} refuses`,
    fix: `keep ${p.name} below ${p.limit} (seed 001 pins ${p.key === "caph" ? "v1.0.7" : "v0.4.2"}), or move the whole matrix to Cluster API v1.11+ when hk supports it`,
  }));
}

/** CACPPT before v0.5.13 can deadlock a rolling update with etcd membership (upstream issue #237). */
function cacpptDeadlock(config: ClusterConfig): Finding {
  const v = config.versions.cacppt;
  if (!below(v, "v0.5.13")) return { check: "CACPPT rolling update", ok: true, severity: "warning", message: `CACPPT ${v} has the rolling-update deadlock fix` };
  return {
    check: "CACPPT rolling update",
    ok: false,
    severity: "warning",
    message: `versions.cacppt ${v}: a control-plane rolling update (Kubernetes or Talos version, server type) can stall with the new machine never joining etcd (CACPPT issue #237, fixed in v0.5.13)`,
    fix: "set versions.cacppt to v0.5.13 or later before changing the control plane",
  };
}

/** Kubernetes minors each Talos minor supports (Talos support matrix). */
const TALOS_KUBERNETES: Record<string, [number, number]> = {
  "1.7": [25, 30],
  "1.8": [26, 31],
  "1.9": [27, 32],
  "1.10": [28, 33],
  "1.11": [29, 34],
  "1.12": [30, 35],
  "1.13": [31, 36],
};

function kubernetesOnTalos(config: ClusterConfig): Finding {
  const [tMaj, tMin] = semver(config.talos.version);
  const [, kMin] = semver(config.kubernetes.version);
  const range = TALOS_KUBERNETES[`${tMaj}.${tMin}`];
  const check = "Kubernetes on Talos";
  if (!range) return { check, ok: false, severity: "warning", message: `talos.version ${config.talos.version}: hk does not know which Kubernetes versions it supports`, fix: "check the Talos support matrix for this release" };
  const [lo, hi] = range;
  if (kMin >= lo && kMin <= hi) return { check, ok: true, severity: "error", message: `Kubernetes ${config.kubernetes.version} is supported by Talos ${tMaj}.${tMin} (1.${lo} to 1.${hi})` };
  return {
    check,
    ok: false,
    severity: "error",
    message: `kubernetes.version ${config.kubernetes.version} is not supported by Talos ${config.talos.version} (it runs Kubernetes 1.${lo} to 1.${hi})`,
    fix: kMin > hi ? "raise talos.version, or choose an older kubernetes.version" : `choose kubernetes.version 1.${lo} or later`,
  };
}

/**
 * Hetzner Cloud firewalls apply to servers only (the API's FirewallResource is a server or a label
 * selector of servers), so the control-plane load balancer forwards 6443 and 50000 from any
 * address, whatever firewall.adminCidrs say.
 */
function loadBalancerExposure(config: ClusterConfig): Finding {
  return {
    check: "load balancer exposure",
    ok: false,
    severity: "warning",
    message: `the control-plane load balancer (${config.controlPlane.loadBalancerType}) forwards 6443 (Kubernetes API) and 50000 (Talos API) from anywhere: Hetzner firewalls filter servers' public interfaces, not load balancers, so firewall.adminCidrs (${config.firewall.adminCidrs.join(", ")}) do not apply to it`,
    fix: "both APIs still demand their client certificates; CAPH v1.0 cannot restrict a load balancer's sources or drop its public interface, so keep the kubeconfig and talosconfig safe: Hetzner firewalls cannot close these two ports",
  };
}

/**
 * Hetzner refuses a server whose user_data exceeds 32 KiB, and CAPH passes the whole generated
 * machine config as user_data. CABPT/CACPPT encode it without Talos's documentation comments; a
 * comment-free generated controlplane config (certificates, keys, tokens, defaults) is taken here
 * as 8 KiB, a deliberately high estimate of the ~5-7 KiB such a file is (not measured in this
 * offline tree: no talosctl here). The strategic patches are added as written.
 */
export const USER_DATA_LIMIT = 32 * 1024;
export const GENERATED_BASE_BYTES = 8 * 1024;

function userDataSize(config: ClusterConfig): Finding {
  const bytes = (patches: string[]) => GENERATED_BASE_BYTES + patches.reduce((n, p) => n + Buffer.byteLength(p), 0);
  const roles = [{ role: "control plane", size: bytes(controlPlanePatches(config)) }, ...config.workers.map((w) => ({ role: `pool ${w.name}`, size: bytes(workerPatches(config, w)) }))];
  const largest = roles.reduce((a, b) => (b.size > a.size ? b : a));
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const check = "machine config size";
  if (largest.size <= USER_DATA_LIMIT) return { check, ok: true, severity: "error", message: `largest machine config (${largest.role}) about ${kib(largest.size)}, under Hetzner's 32 KiB user_data limit` };
  return { check, ok: false, severity: "error", message: `the ${largest.role}'s machine config is about ${kib(largest.size)}, over Hetzner's 32 KiB user_data limit: the server would be refused`, fix: "drop labels, taints or firewall rules from the config, or move large settings into manifests applied after the bootstrap" };
}

/** A pool at zero is a pool kept for later; say so, in case it was meant to run. */
function workerPools(config: ClusterConfig): Finding[] {
  return config.workers
    .filter((w) => w.replicas === 0)
    .map((w) => ({ check: `worker pool ${w.name}`, ok: false, severity: "warning" as const, message: `workers[${config.workers.indexOf(w)}] ${w.name} has replicas 0: its MachineDeployment exists but makes no servers`, fix: `set workers[${config.workers.indexOf(w)}].replicas to run it, or remove the pool` }));
}

export function configChecks(config: ClusterConfig): Finding[] {
  return [...contract(config), cacpptDeadlock(config), kubernetesOnTalos(config), loadBalancerExposure(config), userDataSize(config), ...workerPools(config)];
}

/** What GET /server_types says of availability: prices per location, and deprecation overall or per location. */
const availabilitySchema = z.object({
  name: z.string(),
  architecture: z.enum(["x86", "arm"]),
  prices: z.array(z.object({ location: z.string() })),
  deprecation: z.object({ unavailable_after: z.string() }).nullable().optional(),
  locations: z.array(z.object({ name: z.string(), deprecation: z.object({ unavailable_after: z.string() }).nullable().optional() })).optional(),
});

const ARCH = { amd64: "x86", arm64: "arm" } as const;

/** Every server type the config names (control plane and each pool): sold in the location, not deprecated there, of the image's architecture. */
export async function hcloudChecks(client: HcloudClient, config: ClusterConfig): Promise<Finding[]> {
  const types = await client.cached("server_types_availability", () => client.list("/server_types", "server_types", availabilitySchema));
  const location = config.hcloud.location;
  const arch = ARCH[config.talos.arch];
  const uses = [{ path: "controlPlane.serverType", type: config.controlPlane.serverType }, ...config.workers.map((w, i) => ({ path: `workers[${i}].serverType`, type: w.serverType }))];
  return uses.map(({ path, type }): Finding => {
    const check = `server type ${type}`;
    const sameArch = types.filter((t) => t.architecture === arch && t.prices.some((p) => p.location === location)).map((t) => t.name);
    const offer = `choose one sold in ${location} for ${config.talos.arch}: ${sameArch.join(", ")}`;
    const t = types.find((x) => x.name === type);
    if (!t) return { check, ok: false, severity: "error", message: `${path} ${type}: Hetzner Cloud has no such server type`, fix: offer };
    if (!t.prices.some((p) => p.location === location)) return { check, ok: false, severity: "error", message: `${path} ${type} is not sold in ${location}`, fix: offer };
    if (t.architecture !== arch) return { check, ok: false, severity: "error", message: `${path} ${type} is ${t.architecture === "arm" ? "arm64" : "x86 (amd64)"}, but the Talos image is ${config.talos.arch}`, fix: `${offer}; or set talos.arch to ${t.architecture === "arm" ? "arm64" : "amd64"}` };
    const deprecation = t.locations?.find((l) => l.name === location)?.deprecation ?? t.deprecation;
    if (deprecation) return { check, ok: false, severity: "warning", message: `${path} ${type} is deprecated in ${location}, unavailable after ${deprecation.unavailable_after}: new servers (a roll, a scale-up) will then be refused`, fix: offer };
    return { check, ok: true, severity: "error", message: `${path} ${type} is sold in ${location} for ${config.talos.arch}` };
  });
}
