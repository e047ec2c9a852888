// A kind-style kubeconfig for one emulated cluster: CA, client certificate and key inline as
// base64, cluster, user and context all named after the context (`kind-NAME`).
import { stringify } from "yaml";
import type { ClusterPki } from "./pki.js";

export interface KubeconfigInput {
  /** The context, cluster and user name: `kind-NAME` for kind clusters. */
  name: string;
  /** `https://127.0.0.1:PORT` */
  server: string;
  pki: ClusterPki;
  namespace?: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function kubeconfigObject(input: KubeconfigInput): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [{ name: input.name, cluster: { server: input.server, "certificate-authority-data": b64(input.pki.caCert) } }],
    users: [{ name: input.name, user: { "client-certificate-data": b64(input.pki.clientCert), "client-key-data": b64(input.pki.clientKey) } }],
    contexts: [{ name: input.name, context: { cluster: input.name, user: input.name, ...(input.namespace ? { namespace: input.namespace } : {}) } }],
    "current-context": input.name,
  };
}

export function kubeconfigYaml(input: KubeconfigInput): string {
  return stringify(kubeconfigObject(input), { lineWidth: 0 });
}
