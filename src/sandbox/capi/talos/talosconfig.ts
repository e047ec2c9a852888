// The simulated CABPT's TalosConfig controller: once the owning Machine exists and its Cluster has
// a control-plane endpoint, the machine config is generated (cluster secrets made once per cluster
// in the Secret <cluster>-talos) and written to the bootstrap data Secret named as the TalosConfig.
import { controllerRef, num, str } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { clean, leaveAlone, ok, specOf, statusOf, withConditions } from "../caph/objects.js";
import { mapped, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { machineConfig, newClusterSecrets, secretsFromYaml, secretsToYaml, type ClusterSecrets } from "./machine-config.js";
import { BOOTSTRAP, CABPT_MANAGER, CAPI, CLUSTER_NAME_LABEL, isControlPlane } from "./objects.js";

export function talosConfigController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;

  function clusterSecrets(namespace: string | undefined, cluster: KubeObject): ClusterSecrets {
    const name = `${cluster.metadata.name ?? ""}-talos`;
    const existing = api.get("v1", "Secret", namespace, name);
    const bundle = str((existing?.data as Record<string, string> | undefined)?.bundle);
    if (bundle) return secretsFromYaml(Buffer.from(bundle, "base64").toString("utf8"));
    const secrets = newClusterSecrets();
    api.create(
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: namespace ?? "default", labels: { [CLUSTER_NAME_LABEL]: cluster.metadata.name ?? "" }, ownerReferences: [{ ...controllerRef(cluster), controller: false }] },
        data: { bundle: Buffer.from(secretsToYaml(secrets)).toString("base64") },
      },
      CABPT_MANAGER,
    );
    return secrets;
  }

  async function reconcile(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const tc = api.get(BOOTSTRAP, "TalosConfig", namespace, name);
    if (!tc || tc.metadata.deletionTimestamp || leaveAlone(api, tc)) return;
    if (statusOf(tc).ready === true && api.get("v1", "Secret", namespace, name)) return;
    const ref = (tc.metadata.ownerReferences ?? []).find((r) => r.kind === "Machine");
    const machine = ref && api.get(CAPI, "Machine", namespace, ref.name);
    if (!machine) return; // the Machine's event brings it back
    const clusterName = str(specOf(machine).clusterName) ?? tc.metadata.labels?.[CLUSTER_NAME_LABEL];
    const cluster = clusterName ? api.get(CAPI, "Cluster", namespace, clusterName) : undefined;
    const ep = cluster && (specOf(cluster).controlPlaneEndpoint as { host?: string; port?: number } | undefined);
    if (!cluster || !ep?.host) return { requeueAfterMs: Math.max(ctx.timing.ms("hcloudInfra"), 100) };
    const spec = specOf(tc);
    const type = str(spec.generateType) === "worker" || (str(spec.generateType) === undefined && !isControlPlane(machine)) ? "worker" : "controlplane";
    const config = machineConfig({
      type,
      clusterName: cluster.metadata.name ?? "",
      endpoint: `https://${ep.host}:${num(ep.port, 6443)}`,
      kubernetesVersion: str(specOf(machine).version) ?? "v1.33.1",
      talosVersion: str(spec.talosVersion) ?? "v1.10",
      secrets: clusterSecrets(namespace, cluster),
      strategicPatches: Array.isArray(spec.strategicPatches) ? spec.strategicPatches.filter((p): p is string => typeof p === "string") : [],
    });
    if (!api.get("v1", "Secret", namespace, name)) {
      api.create(
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name, namespace: namespace ?? "default", labels: { [CLUSTER_NAME_LABEL]: cluster.metadata.name ?? "" }, ownerReferences: [controllerRef(tc)] },
          type: "cluster.x-k8s.io/secret",
          data: { value: Buffer.from(config).toString("base64"), format: Buffer.from("cloud-config").toString("base64") },
        },
        CABPT_MANAGER,
      );
    }
    const status = clean({ ...statusOf(tc), ready: true, dataSecretName: name, talosConfig: "", observedGeneration: tc.metadata.generation, conditions: withConditions(statusOf(tc).conditions, [ok("DataSecretAvailable")]) });
    api.update({ ...tc, status }, CABPT_MANAGER, { subresource: "status" });
  }

  const byCluster = (obj: KubeObject) => api.list(BOOTSTRAP, "TalosConfig", obj.metadata.namespace).map((t) => `${t.metadata.namespace ?? ""}/${t.metadata.name ?? ""}`);
  return {
    name: "cabpt/talosconfig",
    primary: { apiVersion: BOOTSTRAP, kind: "TalosConfig" },
    watches: [
      self(BOOTSTRAP, "TalosConfig"),
      mapped(CAPI, "Machine", (m) => {
        const n = str((specOf(m).bootstrap as { configRef?: { name?: string } } | undefined)?.configRef?.name);
        return n ? [`${m.metadata.namespace ?? ""}/${n}`] : [];
      }),
      mapped(CAPI, "Cluster", byCluster),
    ],
    reconcile,
  };
}
