// What `clusterctl init` installs for a provider, as its components YAML would have it: the
// namespace, the provider's CRDs (the vendored upstream files; kinds not vendored are served
// schema-less), a service account and the controller Deployment, every object labelled as
// clusterctl labels them. And cert-manager, which the providers' webhooks need.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import type { ExtraKind, ProviderRequest } from "./providers.js";

export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [key: string]: unknown;
}

export const CRD_DIR = resolve(import.meta.dirname, "../../../vendor/crds");
export const CERT_MANAGER_VERSION = "v1.19.1";
const CERT_MANAGER_LABEL = { "clusterctl.cluster.x-k8s.io/core": "cert-manager" };

export function providerLabels(label: string): Record<string, string> {
  return { "clusterctl.cluster.x-k8s.io": "", "cluster.x-k8s.io/provider": label };
}

function vendoredCrds(folder: string): Obj[] {
  const dir = join(CRD_DIR, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJS() as Obj));
}

/** A CRD for a kind the vendored files lack: served and stored, any fields kept, with a status subresource. */
export function schemalessCrd(k: ExtraKind): Obj {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${k.plural}.${k.group}` },
    spec: {
      group: k.group,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.kind.toLowerCase() },
      scope: k.namespaced ? "Namespaced" : "Cluster",
      versions: [{ name: k.version, served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
    },
  };
}

function controller(name: string, namespace: string, image: string, labels: Record<string, string>): Obj[] {
  const selector = { "control-plane": "controller-manager", ...labels };
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: name.replace(/-controller-manager$/, "-manager"), namespace, labels } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace, labels: { ...selector } },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: { metadata: { labels: selector }, spec: { serviceAccountName: name.replace(/-controller-manager$/, "-manager"), containers: [{ name: "manager", image }] } },
      },
    },
  ];
}

function withLabels(obj: Obj, labels: Record<string, string>): Obj {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, ...labels } } };
}

/** The provider's components, namespace first, CRDs before the controller that serves them. */
export function providerComponents(p: ProviderRequest): Obj[] {
  const labels = providerLabels(p.label);
  const crds = [...p.info.crdFolders.flatMap(vendoredCrds), ...p.info.extraKinds.map(schemalessCrd)].filter((c) => c.metadata.name !== "providers.clusterctl.cluster.x-k8s.io");
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: p.namespace, labels } },
    ...crds.map((c) => withLabels(c, labels)),
    ...controller(p.info.deployment, p.namespace, `${p.info.image}:${p.version}`, labels),
  ];
}

/** The inventory CRD clusterctl ensures before anything else. */
export function inventoryCrd(): Obj {
  const crd = vendoredCrds("cluster-api").find((c) => c.metadata.name === "providers.clusterctl.cluster.x-k8s.io");
  if (!crd) throw new Error(`${CRD_DIR}/cluster-api: the inventory CRD providers.clusterctl.cluster.x-k8s.io is missing`);
  return withLabels(crd, { "clusterctl.cluster.x-k8s.io/core": "inventory" });
}

/** The inventory record of an installed provider. */
export function inventoryObject(p: ProviderRequest): Obj {
  return {
    apiVersion: "clusterctl.cluster.x-k8s.io/v1alpha3",
    kind: "Provider",
    metadata: { name: p.label, namespace: p.namespace, labels: { ...providerLabels(p.label), "clusterctl.cluster.x-k8s.io/core": "inventory" } },
    providerName: p.info.name,
    type: p.info.type,
    version: p.version,
  };
}

const CERT_MANAGER_KINDS: ExtraKind[] = [
  { group: "cert-manager.io", version: "v1", kind: "Certificate", plural: "certificates", namespaced: true },
  { group: "cert-manager.io", version: "v1", kind: "CertificateRequest", plural: "certificaterequests", namespaced: true },
  { group: "cert-manager.io", version: "v1", kind: "Issuer", plural: "issuers", namespaced: true },
  { group: "cert-manager.io", version: "v1", kind: "ClusterIssuer", plural: "clusterissuers", namespaced: false },
  { group: "acme.cert-manager.io", version: "v1", kind: "Order", plural: "orders", namespaced: true },
  { group: "acme.cert-manager.io", version: "v1", kind: "Challenge", plural: "challenges", namespaced: true },
];

export const CERT_MANAGER_DEPLOYMENTS = ["cert-manager", "cert-manager-cainjector", "cert-manager-webhook"];
export const CERT_MANAGER_CRD = "certificates.cert-manager.io";

export function certManagerComponents(): Obj[] {
  const ns = "cert-manager";
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: CERT_MANAGER_LABEL } },
    ...CERT_MANAGER_KINDS.map((k) => withLabels(schemalessCrd(k), CERT_MANAGER_LABEL)),
    ...CERT_MANAGER_DEPLOYMENTS.flatMap((d) => controller(d, ns, `quay.io/jetstack/${d}-controller:${CERT_MANAGER_VERSION}`, { ...CERT_MANAGER_LABEL, "app.kubernetes.io/name": d })),
  ];
}
