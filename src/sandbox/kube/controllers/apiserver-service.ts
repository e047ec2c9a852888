// kube-apiserver's own bootstrap controller: the Service `default/kubernetes` (10.96.0.1:443,
// labelled component=apiserver, provider=kubernetes) and its Endpoints, pointing at the first
// control-plane node's address on 6443 as on a kind cluster. Made again if deleted.
import type { ClusterApi } from "../types.js";
import { deepEqual } from "../objects.js";
import { listNodes, nodeInternalIP } from "./nodes.js";
import { splitKey, type Controller } from "./runtime.js";

const MANAGER = "kube-apiserver";
const KEY = "default/kubernetes";
const LABELS = { component: "apiserver", provider: "kubernetes" };

function apiserverAddress(api: ClusterApi): string {
  const nodes = listNodes(api);
  const cp = nodes.find((n) => n.metadata.labels?.["node-role.kubernetes.io/control-plane"] !== undefined) ?? nodes[0];
  return (cp && nodeInternalIP(cp)) ?? "127.0.0.1";
}

export function apiserverServiceController(api: ClusterApi): Controller {
  const only = (ns: string | undefined, name: string | undefined) => (ns === "default" && name === "kubernetes" ? [KEY] : []);
  return {
    name: "apiserver-service",
    primary: { apiVersion: "v1", kind: "Namespace" },
    watches: [
      { apiVersion: "v1", kind: "Namespace", keys: (e) => (e.object.metadata.name === "default" ? [KEY] : []) },
      { apiVersion: "v1", kind: "Service", keys: (e) => only(e.object.metadata.namespace, e.object.metadata.name) },
      { apiVersion: "v1", kind: "Endpoints", keys: (e) => only(e.object.metadata.namespace, e.object.metadata.name) },
      { apiVersion: "v1", kind: "Node", keys: () => [KEY] },
    ],
    reconcile(key) {
      // The initial resync lists namespaces: only `default` matters.
      if (key !== KEY && splitKey(key).name !== "default") return;
      const ns = api.get("v1", "Namespace", undefined, "default");
      if (!ns || ns.metadata.deletionTimestamp) return;
      if (!api.get("v1", "Service", "default", "kubernetes")) {
        api.create(
          {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "kubernetes", namespace: "default", labels: LABELS },
            spec: {
              type: "ClusterIP",
              clusterIP: "10.96.0.1",
              clusterIPs: ["10.96.0.1"],
              ipFamilies: ["IPv4"],
              ipFamilyPolicy: "SingleStack",
              internalTrafficPolicy: "Cluster",
              sessionAffinity: "None",
              ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
            },
          },
          MANAGER,
        );
      }
      const subsets = [{ addresses: [{ ip: apiserverAddress(api) }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] }];
      const ep = api.get("v1", "Endpoints", "default", "kubernetes");
      if (!ep) api.create({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }, subsets }, MANAGER);
      else if (!deepEqual(ep.subsets, subsets)) api.update({ ...ep, subsets }, MANAGER);
    },
  };
}
