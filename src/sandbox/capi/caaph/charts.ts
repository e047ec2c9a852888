// What the three charts hk installs put into the workload cluster, as far as the rest of the
// sandbox cares: Cilium's DaemonSet (nodes turn Ready once it is there), the Hetzner and Talos
// cloud controller managers' Deployments (the first is what initialises nodes), and the release
// Secret helm 3 keeps (`sh.helm.release.v1.NAME.vREV`: base64 of gzipped JSON), so `helm list`
// and `helm status` on the workload cluster show what CAAPH installed.
import { gzipSync } from "node:zlib";
import type { ClusterApi, KubeObject } from "../../kube/types.js";

export interface Release {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  revision: number;
  values: string;
}

const MANAGER = "caaph-controller-manager";
const tolerateAll = [{ operator: "Exists" }];

function workload(kind: "DaemonSet" | "Deployment", name: string, namespace: string, image: string, release: string): KubeObject {
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": release };
  const template = { metadata: { labels }, spec: { tolerations: tolerateAll, containers: [{ name, image }] } };
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name, namespace, labels, annotations: { "meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace } },
    spec: { selector: { matchLabels: { "app.kubernetes.io/name": name } }, template, ...(kind === "Deployment" ? { replicas: 1 } : {}) },
  };
}

/** The objects a chart installs (the ones the sandbox simulates something for). */
export function chartObjects(r: Release): KubeObject[] {
  switch (r.chart) {
    case "cilium":
      return [workload("DaemonSet", "cilium", r.namespace, `quay.io/cilium/cilium:v${r.version}`, r.name), workload("Deployment", "cilium-operator", r.namespace, `quay.io/cilium/operator-generic:v${r.version}`, r.name)];
    case "hcloud-cloud-controller-manager":
      return [workload("Deployment", "hcloud-cloud-controller-manager", r.namespace, `docker.io/hetznercloud/hcloud-cloud-controller-manager:v${r.version}`, r.name)];
    case "talos-cloud-controller-manager":
      return [workload("Deployment", "talos-cloud-controller-manager", r.namespace, `ghcr.io/siderolabs/talos-cloud-controller-manager:v${r.version}`, r.name)];
    default:
      return [];
  }
}

function releaseSecret(r: Release, now: string): KubeObject {
  const body = {
    name: r.name,
    namespace: r.namespace,
    version: r.revision,
    info: { first_deployed: now, last_deployed: now, deleted: "", description: r.revision === 1 ? "Install complete" : "Upgrade complete", status: "deployed" },
    chart: { metadata: { apiVersion: "v2", name: r.chart, version: r.version, appVersion: r.version }, lock: null, templates: [], values: {}, schema: null, files: [] },
    config: {},
    manifest: chartObjects(r).map((o) => `---\n# Source: ${r.chart}/templates/${o.metadata.name ?? ""}.yaml\nkind: ${o.kind}\nname: ${o.metadata.name ?? ""}\n`).join(""),
  };
  const release = gzipSync(Buffer.from(JSON.stringify(body))).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `sh.helm.release.v1.${r.name}.v${r.revision}`, namespace: r.namespace, labels: { owner: "helm", name: r.name, status: "deployed", version: String(r.revision) } },
    type: "helm.sh/release.v1",
    data: { release: Buffer.from(release).toString("base64") },
  };
}

/** Installs (or upgrades to) `r` in the workload cluster: its objects, the release Secret, older revisions superseded. */
export function install(api: ClusterApi, r: Release): void {
  if (!api.get("v1", "Namespace", undefined, r.namespace)) api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: r.namespace } }, MANAGER);
  for (const o of chartObjects(r)) api.apply(o, MANAGER, { force: true });
  for (const old of api.list("v1", "Secret", r.namespace, `owner=helm,name=${r.name}`)) {
    if (old.metadata.labels?.status === "deployed") api.update({ ...old, metadata: { ...old.metadata, labels: { ...old.metadata.labels, status: "superseded" } } }, MANAGER);
  }
  api.apply(releaseSecret(r, new Date().toISOString()), MANAGER, { force: true });
}

/** helm uninstall: the chart's objects and every revision's Secret. */
export function uninstall(api: ClusterApi, r: Pick<Release, "name" | "namespace" | "chart" | "version" | "revision" | "values">): void {
  for (const o of chartObjects(r as Release)) if (api.get(o.apiVersion, o.kind, r.namespace, o.metadata.name ?? "")) api.delete(o.apiVersion, o.kind, r.namespace, o.metadata.name ?? "");
  for (const s of api.list("v1", "Secret", r.namespace, `owner=helm,name=${r.name}`)) api.delete("v1", "Secret", r.namespace, s.metadata.name ?? "");
}
