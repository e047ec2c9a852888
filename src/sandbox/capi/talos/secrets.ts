// What CACPPT makes once the first control-plane server runs: the workload world cluster (named
// as the Cluster, at the TalosControlPlane's version) and, in the management cluster, the
// <cluster>-kubeconfig and <cluster>-talosconfig Secrets hk and clusterctl read.
import { randomBytes } from "node:crypto";
import { parse, stringify } from "yaml";
import { ClusterExistsError } from "../../clusters/types.js";
import { controllerRef } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import type { ProviderContext } from "../types.js";
import { addressesOf, CACPPT_MANAGER, CLUSTER_NAME_LABEL, infraOf } from "./objects.js";

export async function workloadSecrets(ctx: ProviderContext, tcp: KubeObject, cluster: KubeObject, machines: KubeObject[], version: string): Promise<void> {
  const { api } = ctx;
  const name = cluster.metadata.name ?? "";
  const ns = cluster.metadata.namespace ?? "default";
  if (!ctx.clusters.get(name)) {
    try {
      await ctx.clusters.create({ name, kind: "workload", serverVersion: version, nodes: [] });
      ctx.log(`TalosControlPlane ${ns}/${tcp.metadata.name ?? ""}: workload cluster ${name} bootstrapped`);
    } catch (err) {
      if (!(err instanceof ClusterExistsError)) throw err;
    }
  }
  const labels = { [CLUSTER_NAME_LABEL]: name };
  const owner = [controllerRef(tcp)];
  const kubeconfig = ctx.clusters.kubeconfig(name, { contextName: `admin@${name}` });
  if (!kubeconfig) throw new Error(`workload cluster ${name} has no kubeconfig`);
  if (!api.get("v1", "Secret", ns, `${name}-kubeconfig`)) {
    api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: `${name}-kubeconfig`, namespace: ns, labels, ownerReferences: owner }, type: "cluster.x-k8s.io/secret", data: { value: Buffer.from(kubeconfig).toString("base64") } }, CACPPT_MANAGER);
  }
  const endpoints = machines.flatMap((m) => {
    const addrs = addressesOf(infraOf(api, m));
    const ip = addrs.find((a) => a.type === "ExternalIP" && !a.address.includes(":")) ?? addrs.find((a) => a.type === "InternalIP");
    return ip ? [ip.address] : [];
  });
  const existing = api.get("v1", "Secret", ns, `${name}-talosconfig`);
  if (existing && JSON.stringify(endpointsOf(existing, name)) === JSON.stringify(endpoints)) return;
  const pem = (label: string, n: number) => Buffer.from(`-----BEGIN ${label}-----\n${randomBytes(n).toString("base64")}\n-----END ${label}-----\n`).toString("base64");
  const talosconfig = stringify({ context: name, contexts: { [name]: { endpoints, ca: pem("CERTIFICATE", 420), crt: pem("CERTIFICATE", 380), key: pem("ED25519 PRIVATE KEY", 48) } } });
  const secret: KubeObject = { apiVersion: "v1", kind: "Secret", metadata: { name: `${name}-talosconfig`, namespace: ns, labels, ownerReferences: owner }, type: "Opaque", data: { talosconfig: Buffer.from(talosconfig).toString("base64") } };
  if (existing) api.update({ ...existing, data: secret.data }, CACPPT_MANAGER);
  else api.create(secret, CACPPT_MANAGER);
}

function endpointsOf(secret: KubeObject, context: string): unknown {
  const text = Buffer.from(String((secret.data as Record<string, string> | undefined)?.talosconfig ?? ""), "base64").toString("utf8");
  const doc = parse(text) as { contexts?: Record<string, { endpoints?: unknown }> } | null;
  return doc?.contexts?.[context]?.endpoints;
}
