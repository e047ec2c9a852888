// The add-ons CAAPH installs into the workload cluster, one HelmChartProxy each, selecting the
// cluster by its labels (ADDON_LABELS): Cilium as CNI and kube-proxy replacement, the Hetzner
// cloud controller manager, and Talos's CCM for kubelet serving-certificate approval. Values are
// the ones Talos on Hetzner needs (seed 001). No `options.wait`: Hubble waits on the uninitialized
// taint, which only the CCM lifts, so waiting on Cilium would time out.
import { stringify } from "yaml";
import type { ClusterConfig } from "../../config/schema.js";
import { ADDON_LABELS, CAPI_NAMESPACE, type Manifest } from "./manifests.js";

export const CAAPH = "addons.cluster.x-k8s.io/v1alpha1";
/** The Secret in the workload cluster the Hetzner CCM reads (token and network name). */
export const CCM_SECRET = { namespace: "kube-system", name: "hcloud" } as const;

interface Chart {
  name: string;
  selector: Record<string, string>;
  repoURL: string;
  chartName: string;
  version: string;
  values: object;
}

/** Cilium talks to the API through Talos's KubePrism on 127.0.0.1:7445, and replaces kube-proxy. */
function cilium(config: ClusterConfig): Chart {
  return {
    name: "cilium",
    selector: { cni: ADDON_LABELS.cni },
    repoURL: "https://helm.cilium.io/",
    chartName: "cilium",
    version: config.versions.cilium,
    values: {
      ipam: { mode: "kubernetes" },
      k8s: { requireIPv4PodCIDR: true },
      kubeProxyReplacement: true,
      k8sServiceHost: "127.0.0.1",
      k8sServicePort: 7445,
      cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
      securityContext: {
        capabilities: {
          ciliumAgent: ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
          cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
        },
      },
      hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: true } },
      gatewayAPI: { enabled: false },
    },
  };
}

/** The pod CIDR is templated from the Cluster, as CAAPH renders valuesTemplate against it. */
function hcloudCcm(config: ClusterConfig): Chart {
  const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: CCM_SECRET.name, key } } });
  return {
    name: "hcloud-ccm",
    selector: { ccm: ADDON_LABELS.ccm },
    repoURL: "https://charts.hetzner.cloud",
    chartName: "hcloud-cloud-controller-manager",
    version: config.versions.hcloudCcm,
    values: {
      env: { HCLOUD_TOKEN: fromSecret("token") },
      networking: { enabled: true, clusterCIDR: "{{ index .Cluster.spec.clusterNetwork.pods.cidrBlocks 0 }}", network: fromSecret("network") },
    },
  };
}

/** Only CSR approval: the Hetzner CCM initialises the nodes. */
function talosCcm(config: ClusterConfig): Chart {
  return {
    name: "talos-ccm",
    selector: { "ccm-talos": ADDON_LABELS["ccm-talos"] },
    repoURL: "oci://ghcr.io/siderolabs/charts",
    chartName: "talos-cloud-controller-manager",
    version: config.versions.talosCcm,
    values: { enabledControllers: ["node-csr-approval"] },
  };
}

function proxy(chart: Chart): Manifest {
  return {
    apiVersion: CAAPH,
    kind: "HelmChartProxy",
    // Not owned by the Cluster (a proxy selects clusters by label), so clusterctl move takes it along only by this label.
    metadata: { name: chart.name, namespace: CAPI_NAMESPACE, labels: { "clusterctl.cluster.x-k8s.io/move": "" } },
    spec: {
      clusterSelector: { matchLabels: chart.selector },
      repoURL: chart.repoURL,
      chartName: chart.chartName,
      version: chart.version,
      namespace: "kube-system",
      releaseName: chart.name,
      valuesTemplate: stringify(chart.values),
    },
  };
}

export function addonObjects(config: ClusterConfig): Manifest[] {
  return [cilium(config), hcloudCcm(config), talosCcm(config)].map(proxy);
}
