// `clusterctl get kubeconfig NAME [-n NS]`: the workload cluster's kubeconfig, as CABPT/CACPPT
// store it in Secret NAME-kubeconfig (key `value`), on stdout with a newline.
import { ClusterClient } from "./cluster-client.js";
import type { Io } from "./io.js";
import { ClusterctlError } from "./providers.js";

export interface GetKubeconfigOptions {
  name: string;
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
  kubeconfigContext?: string | undefined;
}

export async function getKubeconfig(opts: GetKubeconfigOptions, io: Io): Promise<void> {
  const client = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const namespace = opts.namespace ?? "default";
  const secret = `${opts.name}-kubeconfig`;
  const obj = await client.get("v1", "Secret", namespace, secret);
  const value = (obj?.data as Record<string, string> | undefined)?.value;
  if (!obj) throw new ClusterctlError(`"${secret}" not found in namespace "${namespace}": secrets "${secret}" not found`);
  if (!value) throw new ClusterctlError(`"${secret}" in namespace "${namespace}" has no key "value"`);
  io.stdout(`${Buffer.from(value, "base64").toString("utf8")}\n`);
}
