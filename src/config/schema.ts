// The cluster config users write in cluster.config.ts, with the defaults of the seed's working
// cluster (seed 001). Every field has a message a user can act on.
import { z } from "zod";
import { ipv4Contains, ipv4Overlap, parseCidr } from "../lib/cidr.js";

const cidr = (what: string) =>
  z
    .string({ error: `expected ${what} as a CIDR string` })
    .refine((v) => parseCidr(v)?.family === 4, { error: `expected ${what} as an IPv4 CIDR like 10.0.0.0/16` });
/** Addresses firewall rules let in: IPv4 or IPv6. */
const anyCidr = (what: string) =>
  z.string({ error: `expected ${what} as a CIDR string` }).refine((v) => parseCidr(v) !== undefined, { error: `expected ${what} as a CIDR like 203.0.113.0/24 or 2001:db8::/32` });
const version = (example: string) => z.string({ error: `expected a version like ${example}` }).regex(/^v\d+\.\d+\.\d+$/, { error: `expected a version like ${example}` });
const count = z.number({ error: "expected a number ≥ 1" }).int({ error: "expected a whole number ≥ 1" }).min(1, { error: "expected a number ≥ 1" });
const name = z
  .string({ error: "expected a name" })
  .regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, { error: "expected a lowercase name of 1-32 letters, digits and dashes" });

export const firewallRuleSchema = z.strictObject({
  description: z.string().max(255).optional(),
  direction: z.enum(["in", "out"]).default("in"),
  protocol: z.enum(["tcp", "udp", "icmp", "esp", "gre"]),
  port: z.string().regex(/^\d+(-\d+)?$/, { error: 'expected a port like "443" or a range like "30000-32767"' }).optional(),
  sourceIps: z.array(anyCidr("a source address")).default([]),
  destinationIps: z.array(anyCidr("a destination address")).default([]),
});

export const lifecycleSchema = z
  .strictObject({
    protect: z.boolean().optional(),
    ignoreChanges: z.array(z.string()).optional(),
    createBeforeDestroy: z.boolean().optional(),
  })
  .optional();

/** A label's name part, and a label value (empty allowed): the apiserver's qualified-name rules. */
const QUALIFIED = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `prefix/name` or `name`: prefix a DNS subdomain of at most 253 characters, name at most 63. */
function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const [prefix, rest] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !SUBDOMAIN.test(prefix))) return `expected the key's prefix ${JSON.stringify(prefix)} to be a DNS subdomain like example.com`;
  if (!QUALIFIED.test(rest)) return "expected a key of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, after an optional prefix/";
  return undefined;
}

const labelKey = z.string().superRefine((k, ctx) => {
  const problem = labelKeyProblem(k);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const labelValue = z.string({ error: "expected a label value as a string" }).regex(/^$|^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { error: "expected a value of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)" });

/** Labels CAPI copies from a Machine to its Node itself (its metadata propagation), so NodeRestriction does not apply. */
export const CAPI_SYNCED_LABEL_PREFIXES = ["node-role.kubernetes.io", "node-restriction.kubernetes.io", "node.cluster.x-k8s.io"] as const;

/**
 * Talos sets machine.nodeLabels with the node's own credentials, and NodeRestriction lets a node
 * label itself under kubernetes.io or k8s.io only with kubelet.kubernetes.io/, node.kubernetes.io/
 * and a few well-known keys. CAPI-synced prefixes go through the Machine instead (workers.ts).
 */
function kubeletMaySet(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return true;
  const prefix = key.slice(0, slash);
  if ((CAPI_SYNCED_LABEL_PREFIXES as readonly string[]).includes(prefix)) return true;
  const restricted = /(^|\.)(kubernetes\.io|k8s\.io)$/.test(prefix);
  if (!restricted) return true;
  if (/(^|\.)(kubelet|node)\.kubernetes\.io$/.test(prefix)) return true;
  return ["kubernetes.io/hostname", "kubernetes.io/arch", "kubernetes.io/os", "topology.kubernetes.io/region", "topology.kubernetes.io/zone"].includes(key);
}

export const taintSchema = z.strictObject({
  key: labelKey,
  value: labelValue.optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"], { error: "expected NoSchedule, PreferNoSchedule or NoExecute" }),
});

/**
 * A pool's servers are named as CAPI names its Machines, `<cluster>-<pool>-xxxxx-xxxxx`, and a
 * server name is the node's hostname (one DNS label, at most 63 characters): with a cluster name
 * of up to 32, that leaves 18 for the pool.
 */
export const workerPoolSchema = z.strictObject({
  name: z.string({ error: "expected a pool name" }).regex(/^[a-z0-9]([a-z0-9-]{0,16}[a-z0-9])?$/, { error: "expected a lowercase pool name of 1-18 letters, digits and dashes" }),
  serverType: z.string({ error: "expected a Hetzner server type like cx33" }).min(1, { error: "expected a Hetzner server type like cx33" }),
  replicas: z.number({ error: "expected a number ≥ 0" }).int({ error: "expected a whole number ≥ 0" }).min(0, { error: "expected a number ≥ 0" }),
  /** Node labels (Talos machine.nodeLabels; node-role.kubernetes.io/* through the Machine, as CAPI syncs those). */
  labels: z
    .record(z.string(), labelValue)
    .superRefine((labels, ctx) => {
      // Keys checked here, not by the record: zod reports a bad record key only as "Invalid key in record".
      for (const key of Object.keys(labels)) {
        const problem = labelKeyProblem(key);
        if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
        else if (!kubeletMaySet(key)) ctx.addIssue({ code: "custom", path: [key], message: `the NodeRestriction admission plugin refuses a node's own labels under ${key.slice(0, key.lastIndexOf("/"))}/` });
      }
    })
    .default({}),
  taints: z.array(taintSchema).default([]),
});

/** Hetzner's network zone of each location. */
const NETWORK_ZONE = { nbg1: "eu-central", fsn1: "eu-central", hel1: "eu-central", ash: "us-east", hil: "us-west", sin: "ap-southeast" } as const;

export const clusterConfigSchema = z.strictObject({
  /** Cluster name: Hetzner labels (caph-cluster-<name>=owned) and every resource name derive from it. */
  name: name.default("k8s"),
  hcloud: z
    .strictObject({
      location: z.enum(["nbg1", "fsn1", "hel1", "ash", "hil", "sin"], { error: "expected a Hetzner location: nbg1, fsn1, hel1, ash, hil or sin" }).default("nbg1"),
      /** The location's network zone; given, it must be that one (a private network lives in one zone). */
      networkZone: z.enum(["eu-central", "us-east", "us-west", "ap-southeast"]).optional(),
    })
    .superRefine((h, ctx) => {
      if (h.networkZone !== undefined && h.networkZone !== NETWORK_ZONE[h.location]) {
        ctx.addIssue({ code: "custom", path: ["networkZone"], message: `${h.location} is in network zone ${NETWORK_ZONE[h.location]}, not ${h.networkZone}` });
      }
    })
    .transform((h) => ({ ...h, networkZone: h.networkZone ?? NETWORK_ZONE[h.location] }))
    .prefault({}),
  talos: z
    .strictObject({
      version: version("v1.12.2").default("v1.12.2"),
      arch: z.enum(["amd64", "arm64"]).default("amd64"),
      /** Official extensions baked into the image through the Talos Image Factory. */
      extensions: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, { error: "expected an extension like siderolabs/qemu-guest-agent" })).default(["siderolabs/qemu-guest-agent"]),
      /** Use this Image Factory schematic instead of making one from `extensions`. */
      schematicId: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a 64-character hex schematic id" }).optional(),
      imageFactory: z.url({ error: "expected the Image Factory's URL" }).default("https://factory.talos.dev"),
      /** The server type the snapshot is built on (the build server is deleted afterwards). */
      buildServerType: z.string().optional(),
      lifecycle: lifecycleSchema,
    })
    .prefault({}),
  kubernetes: z.strictObject({ version: version("v1.32.2").default("v1.32.2") }).prefault({}),
  controlPlane: z
    .strictObject({
      replicas: count.default(3),
      serverType: z.string({ error: "expected a Hetzner server type like cx33" }).min(1).default("cx33"),
      loadBalancerType: z.string().min(1).default("lb11"),
    })
    .prefault({}),
  /** Worker pools, each a MachineDeployment; none by default (the seed cluster is control-plane only). */
  workers: z
    .array(workerPoolSchema)
    .superRefine((pools, ctx) => {
      pools.forEach((p, i) => {
        if (pools.findIndex((q) => q.name === p.name) < i) ctx.addIssue({ code: "custom", path: [i, "name"], message: `pool name ${p.name} is used twice` });
      });
    })
    .default([]),
  network: z
    .strictObject({
      cidr: cidr("the network").default("10.10.0.0/16"),
      controlPlaneSubnet: cidr("the control-plane subnet").default("10.10.64.0/25"),
      pods: cidr("the pod network").default("10.10.128.0/17"),
      services: cidr("the service network").default("10.10.96.0/20"),
    })
    .superRefine((n, ctx) => {
      const [net, cp, pods, services] = [n.cidr, n.controlPlaneSubnet, n.pods, n.services].map(parseCidr);
      if (!net || !cp || !pods || !services) return;
      if (!ipv4Contains(net, cp)) ctx.addIssue({ code: "custom", path: ["controlPlaneSubnet"], message: `expected a subnet of the network ${n.cidr}` });
      if (ipv4Overlap(pods, services)) ctx.addIssue({ code: "custom", path: ["services"], message: `overlaps the pod network ${n.pods}` });
      if (ipv4Overlap(cp, pods)) ctx.addIssue({ code: "custom", path: ["pods"], message: `overlaps the control-plane subnet ${n.controlPlaneSubnet}` });
      if (ipv4Overlap(cp, services)) ctx.addIssue({ code: "custom", path: ["services"], message: `overlaps the control-plane subnet ${n.controlPlaneSubnet}` });
    })
    .prefault({}),
  firewall: z
    .strictObject({
      /** Who may reach the Kubernetes API (6443) and the Talos API (50000). */
      adminCidrs: z.array(anyCidr("an admin address")).min(1, { error: "expected at least one admin CIDR" }).default(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]),
      /** Rules added after the defaults. */
      extraRules: z.array(firewallRuleSchema).default([]),
      lifecycle: lifecycleSchema,
    })
    .prefault({}),
  /** The provider matrix of seed 001: one coherent set, all on the CAPI v1beta1 contract. */
  versions: z
    .strictObject({
      clusterApi: version("v1.10.10").default("v1.10.10"),
      caph: version("v1.0.7").default("v1.0.7"),
      cabpt: version("v0.6.11").default("v0.6.11"),
      cacppt: version("v0.5.12").default("v0.5.12"),
      caaph: version("v0.4.2").default("v0.4.2"),
      cilium: z.string().default("1.18.6"),
      hcloudCcm: z.string().default("1.29.2"),
      talosCcm: z.string().default("0.5.4"),
    })
    .prefault({}),
});

export type ClusterConfigInput = z.input<typeof clusterConfigSchema>;
export type ClusterConfig = z.output<typeof clusterConfigSchema>;
export type WorkerPoolInput = z.input<typeof workerPoolSchema>;
export type WorkerPool = z.output<typeof workerPoolSchema>;
export type Taint = z.output<typeof taintSchema>;
