// Discovery in both forms (aggregated apidiscovery.k8s.io/v2 for kubectl, APIGroupList and
// APIResourceList for client-node and older clients) and the OpenAPI v3 minimum kubectl apply
// needs: one PATCH operation per kind carrying the fieldValidation parameter.
import { createHash } from "node:crypto";
import { compareVersions, groupVersion, type KindRegistry } from "./registry.js";
import type { KindInfo } from "./types.js";

export const AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const SUB_VERBS = ["get", "patch", "update"];
const SCALE_KIND = { group: "autoscaling", version: "v1", kind: "Scale" };

/** Whether the Accept header asks for aggregated discovery (v2 or v2beta1). */
export function wantsAggregated(accept: string | undefined): boolean {
  return /g=apidiscovery\.k8s\.io/.test(accept ?? "") && /as=APIGroupDiscoveryList/.test(accept ?? "");
}

export function apiVersions(host: string): Record<string, unknown> {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: host }] };
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: KindRegistry): Record<string, unknown> {
  const groups = [...registry.groups()].filter(([g]) => g !== "").map(([g, vs]) => apiGroup(g, vs));
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

export function apiGroupDoc(registry: KindRegistry, group: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(group);
  return versions && group !== "" ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(group, versions) } : undefined;
}

export function apiResourceList(registry: KindRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = registry.kindsOf(group, version);
  if (kinds.length === 0) return undefined;
  const resources = kinds.flatMap((k) => {
    const main = {
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: k.verbs,
      ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
      ...(k.categories.length ? { categories: k.categories } : {}),
    };
    const subs: Record<string, unknown>[] = [];
    if (k.subresources.status) subs.push({ name: `${k.plural}/status`, singularName: "", namespaced: k.namespaced, kind: k.kind, verbs: SUB_VERBS });
    if (k.subresources.scale) subs.push({ name: `${k.plural}/scale`, singularName: "", namespaced: k.namespaced, ...SCALE_KIND, verbs: SUB_VERBS });
    return [main, ...subs];
  });
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion({ group, version }), resources };
}

function aggregatedResource(k: KindInfo): Record<string, unknown> {
  const subresources: Record<string, unknown>[] = [];
  if (k.subresources.status) subresources.push({ subresource: "status", responseKind: { group: k.group, version: k.version, kind: k.kind }, verbs: SUB_VERBS });
  if (k.subresources.scale) subresources.push({ subresource: "scale", responseKind: SCALE_KIND, verbs: SUB_VERBS });
  return {
    resource: k.plural,
    responseKind: { group: k.group, version: k.version, kind: k.kind },
    scope: k.namespaced ? "Namespaced" : "Cluster",
    singularResource: k.singular,
    verbs: k.verbs,
    ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
    ...(k.categories.length ? { categories: k.categories } : {}),
    ...(subresources.length ? { subresources } : {}),
  };
}

/** The APIGroupDiscoveryList of the core group (`core`) or of every named group. */
export function aggregatedDiscovery(registry: KindRegistry, core: boolean): Record<string, unknown> {
  const items = [...registry.groups()]
    .filter(([g]) => (g === "") === core)
    .map(([g, versions]) => ({
      metadata: core ? { creationTimestamp: null } : { name: g, creationTimestamp: null },
      versions: versions.map((v) => ({ version: v, resources: registry.kindsOf(g, v).map(aggregatedResource), freshness: "Current" })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}

function itemPath(k: KindInfo): string {
  const prefix = k.group === "" ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return k.namespaced ? `${prefix}/namespaces/{namespace}/${k.plural}/{name}` : `${prefix}/${k.plural}/{name}`;
}

const QUERY_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((name) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string" } }));

/** The OpenAPI v3 document of one group/version: a PATCH (and PUT) per kind, no schemas. */
export function openApiGroupVersion(registry: KindRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const kinds = registry.kindsOf(group, version);
  if (kinds.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const k of kinds) {
    const gvk = { group: k.group, version: k.version, kind: k.kind };
    const op = (verb: string) => ({ operationId: `${verb}${k.kind}`, "x-kubernetes-action": verb, "x-kubernetes-group-version-kind": gvk, parameters: QUERY_PARAMS, responses: { "200": { description: "OK" } } });
    paths[itemPath(k)] = { patch: op("patch"), put: op("put"), get: op("get"), delete: op("delete") };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "unversioned" }, paths };
}

/** `/openapi/v3`: where each group/version's document is, with a hash that changes with it. */
export function openApiRoot(registry: KindRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const groups = [...registry.groups()].sort(([a], [b]) => a.localeCompare(b));
  for (const [g, versions] of groups) {
    for (const v of [...versions].sort(compareVersions)) {
      const rel = g === "" ? `api/${v}` : `apis/${g}/${v}`;
      const doc = openApiGroupVersion(registry, g, v);
      const hash = createHash("sha512").update(JSON.stringify(doc)).digest("hex").toUpperCase();
      paths[rel] = { serverRelativeURL: `/openapi/v3/${rel}?hash=${hash}` };
    }
  }
  return { paths };
}
