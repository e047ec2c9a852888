// The machine config CABPT generates: a Talos v1alpha1 config for a controlplane or worker,
// from cluster secrets made once per cluster (kept in the Secret <cluster>-talos, as CABPT keeps
// its secrets bundle) and the TalosConfig's strategic patches merged in. Certificates and keys
// are random bytes of the real sizes, so the config weighs what a real one weighs (a few KiB,
// under Hetzner's 32 KiB user_data limit) without the cost of real PKI.
import { randomBytes } from "node:crypto";
import { parse, parseAllDocuments, stringify } from "yaml";
import type { Obj } from "../../kube/controllers/meta.js";

export interface ClusterSecrets {
  id: string;
  secret: string;
  bootstrapToken: string;
  secretboxEncryptionSecret: string;
  trustdToken: string;
  certs: Record<"os" | "k8s" | "k8sAggregator" | "etcd" | "serviceAccount" | "admin", { crt: string; key: string }>;
}

const b64 = (n: number) => randomBytes(n).toString("base64");
const token = (a: number, b: number) => `${randomBytes(a).toString("hex").slice(0, a)}.${randomBytes(b).toString("hex").slice(0, b)}`;
const pem = (label: string, bytes: number) => Buffer.from(`-----BEGIN ${label}-----\n${(b64(bytes).match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`).toString("base64");
const pair = (keyBytes = 120) => ({ crt: pem("CERTIFICATE", 420), key: pem("EC PRIVATE KEY", keyBytes) });

export function newClusterSecrets(): ClusterSecrets {
  return {
    id: b64(32),
    secret: b64(32),
    bootstrapToken: token(6, 16),
    secretboxEncryptionSecret: b64(32),
    trustdToken: token(6, 16),
    certs: { os: pair(48), k8s: pair(), k8sAggregator: pair(), etcd: pair(), serviceAccount: { crt: "", key: pem("RSA PRIVATE KEY", 1190) }, admin: pair(48) },
  };
}

export const secretsToYaml = (s: ClusterSecrets): string => stringify(s);
export const secretsFromYaml = (text: string): ClusterSecrets => parse(text) as ClusterSecrets;

export interface MachineConfigInput {
  type: "controlplane" | "worker";
  clusterName: string;
  endpoint: string;
  kubernetesVersion: string;
  talosVersion: string;
  secrets: ClusterSecrets;
  strategicPatches: string[];
}

/** The machine config YAML for one machine. */
export function machineConfig(input: MachineConfigInput): string {
  const { secrets: s, type } = input;
  const k8s = input.kubernetesVersion.replace(/^v?/, "v");
  const cp = type === "controlplane";
  const base: Obj = {
    version: "v1alpha1",
    debug: false,
    persist: true,
    machine: {
      type,
      token: s.trustdToken,
      ca: cp ? s.certs.os : { crt: s.certs.os.crt, key: "" },
      certSANs: [],
      kubelet: { image: `ghcr.io/siderolabs/kubelet:${k8s}`, defaultRuntimeSeccompProfileEnabled: true, disableManifestsDirectory: true },
      network: {},
      install: { disk: "/dev/sda", image: `ghcr.io/siderolabs/installer:${input.talosVersion}`, wipe: false },
      features: { rbac: true, stableHostname: true, apidCheckExtKeyUsage: true, diskQuotaSupport: true, kubePrism: { enabled: true, port: 7445 }, hostDNS: { enabled: true, forwardKubeDNSToHost: true } },
      nodeLabels: cp ? { "node.kubernetes.io/exclude-from-external-load-balancers": "" } : {},
    },
    cluster: {
      id: s.id,
      secret: s.secret,
      controlPlane: { endpoint: input.endpoint },
      clusterName: input.clusterName,
      network: { dnsDomain: "cluster.local", podSubnets: ["10.244.0.0/16"], serviceSubnets: ["10.96.0.0/12"] },
      token: s.bootstrapToken,
      ca: cp ? s.certs.k8s : { crt: s.certs.k8s.crt, key: "" },
      discovery: { enabled: true, registries: { kubernetes: { disabled: true }, service: {} } },
      ...(cp
        ? {
            secretboxEncryptionSecret: s.secretboxEncryptionSecret,
            aggregatorCA: s.certs.k8sAggregator,
            serviceAccount: { key: s.certs.serviceAccount.key },
            apiServer: { image: `registry.k8s.io/kube-apiserver:${k8s}`, certSANs: [new URL(input.endpoint).hostname], disablePodSecurityPolicy: true, admissionControl: [{ name: "PodSecurity", configuration: { apiVersion: "pod-security.admission.config.k8s.io/v1alpha1", kind: "PodSecurityConfiguration", defaults: { audit: "restricted", enforce: "baseline", warn: "restricted" }, exemptions: { namespaces: ["kube-system"] } } }] },
            controllerManager: { image: `registry.k8s.io/kube-controller-manager:${k8s}` },
            proxy: { image: `registry.k8s.io/kube-proxy:${k8s}` },
            scheduler: { image: `registry.k8s.io/kube-scheduler:${k8s}` },
            etcd: { ca: s.certs.etcd },
          }
        : {}),
    },
  };
  let config = base;
  for (const patch of input.strategicPatches) {
    for (const doc of parseAllDocuments(patch)) {
      if (doc.errors.length > 0) throw new Error(`strategic patch is not YAML: ${doc.errors[0]?.message ?? ""}`);
      const value: unknown = doc.toJS();
      if (isObj(value)) config = deepMerge(config, value);
    }
  }
  return stringify(config, { lineWidth: 0 });
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else (lists included) is replaced by the patch. */
export function deepMerge(base: Obj, patch: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = isObj(b) && isObj(v) ? deepMerge(b, v) : v;
  }
  return out;
}
