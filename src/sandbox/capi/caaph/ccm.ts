// The Hetzner cloud controller manager's effect, for the workload clusters whose Cluster this
// management cluster holds: once its Deployment is there (installed by CAAPH) and it can read the
// project (Secret kube-system/hcloud), each node still carrying the uninitialized taint is matched
// to its server by name in the Hetzner emulator and initialised: providerID, addresses, instance
// type and zone labels, taint removed. Until the Secret exists it does nothing, as the real CCM
// crash-loops without it.
import { asArray, asObj, str } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { HcloudClient, listServers } from "../../../providers/hcloud/index.js";
import { CAPI } from "../core/cluster.js";
import { workloadApi } from "../core/machine.js";
import { isPaused, self, splitKey, type AsyncController } from "../runtime.js";
import type { ProviderContext } from "../types.js";

const UNINITIALIZED = "node.cloudprovider.kubernetes.io/uninitialized";
const MANAGER = "hcloud-cloud-controller-manager";
const POLL_MS = 200;

export function ccmController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;
  return {
    name: "hcloud-ccm/nodes",
    primary: { apiVersion: CAPI, kind: "Cluster" },
    watches: [self(CAPI, "Cluster")],
    async reconcile(key, signal) {
      const { namespace, name } = splitKey(key);
      const cluster = api.get(CAPI, "Cluster", namespace, name);
      if (!cluster || cluster.metadata.deletionTimestamp || isPaused(api, cluster)) return;
      const workload = workloadApi(ctx, namespace, name);
      if (!workload) return { requeueAfterMs: POLL_MS };
      if (!workload.get("apps/v1", "Deployment", "kube-system", "hcloud-cloud-controller-manager")) return { requeueAfterMs: POLL_MS };
      const secret = workload.get("v1", "Secret", "kube-system", "hcloud");
      const token = Buffer.from(str(asObj(secret?.data).token) ?? "", "base64").toString("utf8");
      if (token === "") return { requeueAfterMs: POLL_MS };
      const pending = workload.list("v1", "Node").filter((n) => asArray(asObj(n.spec).taints).some((t) => t.key === UNINITIALIZED));
      if (pending.length > 0) {
        const client = HcloudClient.create({ token, endpoint: ctx.hcloudEndpoint, timeoutMs: 15_000, maxAttempts: 3 }).withSignal(signal);
        for (const node of pending) {
          const [server] = await listServers(client, { name: node.metadata.name ?? "" });
          if (!server) {
            ctx.log(`hcloud CCM: no server named ${node.metadata.name ?? ""} for node ${node.metadata.name ?? ""}`);
            continue;
          }
          const current = workload.get("v1", "Node", undefined, node.metadata.name ?? "") as KubeObject;
          const spec = asObj(current.spec);
          const taints = asArray(spec.taints).filter((t) => t.key !== UNINITIALIZED);
          const labels = { ...current.metadata.labels, "node.kubernetes.io/instance-type": server.server_type.name, "topology.kubernetes.io/region": server.location?.name ?? "", "topology.kubernetes.io/zone": `${server.location?.network_zone ?? ""}` };
          workload.update({ ...current, metadata: { ...current.metadata, labels }, spec: { ...spec, providerID: `hcloud://${server.id}`, taints } }, MANAGER);
          const status = asObj(current.status);
          const addresses = [...asArray(status.addresses).filter((a) => a.type !== "ExternalIP"), ...(server.public_net.ipv4?.ip ? [{ type: "ExternalIP", address: server.public_net.ipv4.ip }] : [])];
          const fresh = workload.get("v1", "Node", undefined, node.metadata.name ?? "") as KubeObject;
          workload.update({ ...fresh, status: { ...asObj(fresh.status), addresses } }, MANAGER, { subresource: "status" });
          ctx.log(`hcloud CCM: initialised node ${node.metadata.name ?? ""} (hcloud://${server.id})`);
        }
      }
      // New nodes join while the cluster scales or rolls: keep looking, as the CCM's node controller does.
      return { requeueAfterMs: pending.length > 0 ? POLL_MS : POLL_MS * 5 };
    },
  };
}
