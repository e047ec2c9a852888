// The serviceaccount and root-ca-cert-publisher controllers: every namespace that is not
// terminating has the ServiceAccount `default` and the ConfigMap `kube-root-ca.crt` holding the
// cluster's CA, made again if deleted and reset if edited, as kube-controller-manager does.
import type { ClusterApi, KubeObject } from "../types.js";
import { deepEqual } from "../objects.js";
import { asObj, MANAGER } from "./meta.js";
import { splitKey, type Controller } from "./runtime.js";

const ROOT_CA = "kube-root-ca.crt";
const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

function rootCaConfigMap(namespace: string, caPem: string): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: ROOT_CA, namespace, annotations: { "kubernetes.io/description": DESCRIPTION } }, data: { "ca.crt": caPem } };
}

export function namespaceController(api: ClusterApi, caPem: string | undefined): Controller {
  const byNamespace = (kind: string, name: string) => ({
    apiVersion: "v1",
    kind,
    keys: (e: { object: KubeObject }) => (e.object.metadata.name === name ? [`/${e.object.metadata.namespace ?? ""}`] : []),
  });
  return {
    name: "namespace-defaults",
    primary: { apiVersion: "v1", kind: "Namespace" },
    watches: [
      { apiVersion: "v1", kind: "Namespace", keys: (e) => [`/${e.object.metadata.name ?? ""}`] },
      byNamespace("ServiceAccount", "default"),
      ...(caPem ? [byNamespace("ConfigMap", ROOT_CA)] : []),
    ],
    reconcile(key) {
      const { name } = splitKey(key);
      const ns = api.get("v1", "Namespace", undefined, name);
      if (!ns || ns.metadata.deletionTimestamp || asObj(ns.status).phase === "Terminating") return;
      if (!api.get("v1", "ServiceAccount", name, "default")) {
        api.create({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: name } }, MANAGER);
      }
      if (!caPem) return;
      const want = rootCaConfigMap(name, caPem);
      const cm = api.get("v1", "ConfigMap", name, ROOT_CA);
      if (!cm) api.create(want, MANAGER);
      else if (!deepEqual(cm.data, want.data)) api.update({ ...cm, data: want.data }, MANAGER);
    },
  };
}
