// The simulated CAPH's HCloudMachine controller: once its Machine's bootstrap data exists and the
// HetznerCluster is ready, one server from the snapshot labelled caph-image-name=<imageName>,
// named as the HCloudMachine, in the cluster's network and placement group, with the bootstrap
// data as user data; control-plane servers become targets of the cluster's load balancer.
// A server already there under that name (a crash between the create and the status write) is
// adopted. Deleting removes the target and the server, and waits until it is gone.
import { deleteServer, getServer, listImages, listServers, serverAction } from "../../../providers/hcloud/compute.js";
import { ExternalError } from "../../../engine/errors.js";
import { isNotFound } from "../../../providers/hcloud/crud.js";
import type { HcloudClient } from "../../../providers/hcloud/client.js";
import type { Server } from "../../../providers/hcloud/schemas.js";
import { asArray, asObj, str, writeStatus, type Obj } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { mapped, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { caphClient, tokenRejected, createCaphServer, getLoadBalancerFull, lbAction, ownedLabels, readToken, TokenError } from "./hcloud.js";
import { CAPI, clean, CLUSTER_NAME_LABEL, HCLOUD_MACHINE_FINALIZER, INFRA, leaveAlone, MANAGER, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "./objects.js";

const IMAGE_NAME_LABEL = "caph-image-name";
const allInNamespace = (ctx: ProviderContext) => (obj: KubeObject) => ctx.api.list(INFRA, "HCloudMachine", obj.metadata.namespace).map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`);

export function hcloudMachineController(ctx: ProviderContext): AsyncController {
  const { api, timing } = ctx;
  // When each server this process made is through booting from the snapshot (timing serverCreate).
  const bootedAt = new Map<string, number>();
  // Waits that may last (no snapshot yet, a server that does not come up) are polled with a
  // growing interval of their own, up to 10 s: the runtime's error backoff stops at 2 s, which
  // would spend the project's whole hourly API budget (3,600 requests) on one stuck machine.
  const waits = new Map<string, { what: string; n: number }>();
  const waitAgain = (key: string, what: string): ReconcileResult => {
    const w = waits.get(key);
    const n = w && w.what === what ? w.n + 1 : 0;
    if (n === 0) ctx.log(`HCloudMachine ${key}: ${what} (retrying)`);
    waits.set(key, { what, n });
    return { requeueAfterMs: Math.min(10_000, Math.max(timing.ms("hcloudAction"), 100) * 2 ** Math.min(n, 10)) };
  };

  const write = (hm: KubeObject, status: Obj, conds: Cond[]) => writeStatus(api, hm, clean({ ...status, conditions: withConditions(statusOf(hm).conditions, conds) }), MANAGER);

  async function reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    try {
      return await reconcileMachine(key, signal);
    } catch (err) {
      if (!tokenRejected(err, signal)) throw err;
      const { namespace, name } = splitKey(key);
      const hm = api.get(INFRA, "HCloudMachine", namespace, name);
      if (hm) write(hm, statusOf(hm), [notOk("HCloudTokenAvailable", "HCloudCredentialsInvalid", "Error", "wrong hcloud token")]);
    }
  }

  async function reconcileMachine(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    let hm = api.get(INFRA, "HCloudMachine", namespace, name);
    if (!hm || leaveAlone(api, hm)) return;
    const machineRef = (hm.metadata.ownerReferences ?? []).find((r) => r.kind === "Machine" && r.apiVersion.startsWith("cluster.x-k8s.io/"));
    const machine = machineRef ? api.get(CAPI, "Machine", namespace, machineRef.name) : undefined;
    const clusterName = str(specOf(machine ?? hm).clusterName) ?? hm.metadata.labels?.[CLUSTER_NAME_LABEL];
    const cluster = clusterName ? api.get(CAPI, "Cluster", namespace, clusterName) : undefined;
    const hcName = str(asObj(specOf(cluster ?? hm).infrastructureRef).name) ?? clusterName;
    const hc = hcName ? api.get(INFRA, "HetznerCluster", namespace, hcName) : undefined;

    if (hm.metadata.deletionTimestamp) {
      if (!(hm.metadata.finalizers ?? []).includes(HCLOUD_MACHINE_FINALIZER)) return;
      if (!hc) throw new Error(`HCloudMachine ${key}: HetznerCluster ${hcName ?? "?"} not found, cannot read the hcloud token to delete the server`);
      return remove(hm, hc, caphClient(readToken(api, hc), ctx.hcloudEndpoint, timing, signal));
    }
    // Owned by a Machine and in a cluster, or there is nothing to do yet (the Machine's events bring it back).
    if (!machine || !hc || !hcName) return;
    const withFin = withFinalizer(hm, HCLOUD_MACHINE_FINALIZER);
    if (withFin) hm = api.update(withFin, MANAGER);
    if (statusOf(hc).ready !== true) return;

    const spec = specOf(hm);
    const dataSecret = str(asObj(specOf(machine).bootstrap).dataSecretName);
    const data = dataSecret ? str(asObj(api.get("v1", "Secret", namespace, dataSecret)?.data).value) : undefined;
    if (data === undefined) {
      write(hm, statusOf(hm), [notOk("BootstrapReady", "BootstrapNotReady", "Info", "bootstrap not ready yet")]);
      return;
    }
    const conds: Cond[] = [ok("BootstrapReady")];
    let client: HcloudClient;
    try {
      client = caphClient(readToken(api, hc), ctx.hcloudEndpoint, timing, signal);
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      write(hm, statusOf(hm), [...conds, notOk("HCloudTokenAvailable", err.reason, "Error", err.message)]);
      return { requeueAfterMs: 1_000 };
    }
    conds.push(ok("HCloudTokenAvailable"));

    const providerID = str(spec.providerID);
    const controlPlane = machine.metadata.labels?.["cluster.x-k8s.io/control-plane"] !== undefined;
    const labels = { ...ownedLabels(hcName), machine_type: controlPlane ? "control_plane" : "worker" };
    let server: Server | undefined;
    if (providerID) {
      server = await getServer(client, Number(providerID.replace(/^hcloud:\/\//, "")));
      if (!server) {
        const msg = `hcloud server (${JSON.stringify(providerID)}) no longer available. Setting MachineError.`;
        write(hm, { ...statusOf(hm), ready: false, failureReason: "UpdateError", failureMessage: msg }, [...conds, notOk("ServerAvailable", "NoHCloudServerFound", "Warning", msg)]);
        return;
      }
    } else {
      // Adopt what a create before a crash left, never a second server of the same name.
      server = (await listServers(client, { name })).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (!server) {
        const imageName = str(spec.imageName) ?? "";
        const images = [...(await listImages(client, { labelSelector: `${IMAGE_NAME_LABEL}=${imageName}` })), ...(await listImages(client, { name: imageName }))];
        if (images.length !== 1) {
          const msg = images.length === 0 ? `no image found with name ${imageName}` : `image is ambiguous - ${images.length} images have name ${imageName}`;
          write(hm, { ...statusOf(hm), failureReason: "CreateError", failureMessage: msg }, [...conds, notOk("ServerCreateSucceeded", images.length === 0 ? "ImageNotFound" : "ImageAmbiguous", "Error", msg)]);
          // Polled again, so a snapshot made later is picked up.
          return waitAgain(key, msg);
        }
        const groupName = str(spec.placementGroupName);
        const group = groupName ? asArray(statusOf(hc).hcloudPlacementGroups).find((g) => g.name === groupName) : undefined;
        if (groupName && !group) throw new Error(`placement group ${groupName} not found in HetznerCluster ${hcName}'s status`);
        const networkId = asObj(statusOf(hc).networkStatus).id;
        const pub = asObj(spec.publicNetwork);
        const regions = (Array.isArray(specOf(hc).controlPlaneRegions) ? specOf(hc).controlPlaneRegions : []) as string[];
        const body = {
          name,
          server_type: str(spec.type) ?? "cx33",
          image: images[0]!.id,
          location: str(specOf(machine).failureDomain) ?? regions[0] ?? "nbg1",
          labels,
          user_data: Buffer.from(data, "base64").toString("utf8"),
          ...(typeof networkId === "number" ? { networks: [networkId] } : {}),
          ...(group && typeof group.id === "number" ? { placement_group: group.id } : {}),
          public_net: { enable_ipv4: pub.enableIPv4 !== false, enable_ipv6: pub.enableIPv6 !== false },
          start_after_create: true,
        };
        let res: Awaited<ReturnType<typeof createCaphServer>>;
        try {
          res = await createCaphServer(client, body);
        } catch (err) {
          // invalid_input or resource_unavailable never succeed on retry: CAPH marks the machine failed and stops.
          if (!(err instanceof ExternalError) || (err.code !== "invalid_input" && err.code !== "resource_unavailable")) throw err;
          const msg = `Server creation failed with an irrecoverable error: ${err.message}. If the requested resources (server type or location) become available again, delete the Machine to trigger a new creation attempt.`;
          write(hm, { ...statusOf(hm), failureReason: "CreateError", failureMessage: msg }, [...conds, notOk("ServerCreateSucceeded", "ServerCreateFailedIrrecoverableError", "Error", msg)]);
          return;
        }
        server = res.server;
        bootedAt.set(key, Date.now() + timing.ms("serverCreate"));
      }
      hm = api.update({ ...hm, spec: { ...spec, providerID: `hcloud://${server.id}` } }, MANAGER);
    }
    conds.push(ok("ServerCreateSucceeded"));

    if (controlPlane) await ensureTarget(client, hc, server.id);
    if (server.status === "off") await client.waitActions(await serverAction(client, server.id, "poweron"));
    const bootLeft = (bootedAt.get(key) ?? 0) - Date.now();
    const running = server.status === "running" && bootLeft <= 0;
    const { failureReason: _r, failureMessage: _m, ...rest } = statusOf(hm);
    write(
      hm,
      { ...rest, ready: running, instanceState: server.status, region: server.location?.name, addresses: addresses(server) },
      [...conds, running ? ok("ServerAvailable") : notOk("ServerAvailable", server.status === "off" ? "ServerOff" : "ServerStarting", "Info", `server is ${server.status === "running" ? "booting" : server.status}`)],
    );
    // A fresh server boots from the snapshot for serverCreate; one that never runs is polled with backoff.
    if (running) {
      bootedAt.delete(key);
      waits.delete(key);
    } else if (bootLeft > 0) return { requeueAfterMs: bootLeft };
    else return waitAgain(key, `server ${name} (${server.id}) is ${server.status}, not running yet`);
  }

  async function ensureTarget(client: HcloudClient, hc: KubeObject, serverId: number): Promise<void> {
    const lbId = asObj(statusOf(hc).controlPlaneLoadBalancer).id;
    if (typeof lbId !== "number") return;
    const lb = await getLoadBalancerFull(client, lbId);
    if (lb.targets.some((t) => t.type === "server" && t.server?.id === serverId)) return;
    const usePrivate = asObj(specOf(hc).hcloudNetwork).enabled === true;
    await lbAction(client, lbId, "add_target", { type: "server", server: { id: serverId }, use_private_ip: usePrivate });
  }

  async function remove(hm: KubeObject, hc: KubeObject, client: HcloudClient): Promise<ReconcileResult> {
    const name = hm.metadata.name ?? "";
    const providerID = str(specOf(hm).providerID);
    const server = providerID ? await getServer(client, Number(providerID.replace(/^hcloud:\/\//, ""))) : (await listServers(client, { name }))[0];
    if (server) {
      const lbId = asObj(statusOf(hc).controlPlaneLoadBalancer).id;
      if (typeof lbId === "number") {
        try {
          const lb = await getLoadBalancerFull(client, lbId);
          if (lb.targets.some((t) => t.type === "server" && t.server?.id === server.id)) await lbAction(client, lbId, "remove_target", { type: "server", server: { id: server.id } });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      await deleteServer(client, server.id);
      if (await getServer(client, server.id)) return { requeueAfterMs: timing.ms("hcloudAction") };
    }
    const fresh = api.get(INFRA, "HCloudMachine", hm.metadata.namespace, name);
    const next = fresh && withoutFinalizer(fresh, HCLOUD_MACHINE_FINALIZER);
    if (next) api.update(next, MANAGER);
  }

  return {
    name: "caph/hcloudmachine",
    primary: { apiVersion: INFRA, kind: "HCloudMachine" },
    watches: [
      self(INFRA, "HCloudMachine"),
      mapped(CAPI, "Machine", (m) => {
        const ref = asObj(specOf(m).infrastructureRef);
        return ref.kind === "HCloudMachine" && str(ref.name) ? [`${m.metadata.namespace ?? ""}/${str(ref.name) ?? ""}`] : [];
      }),
      mapped(INFRA, "HetznerCluster", allInNamespace(ctx)),
      // An unpaused Cluster (clusterctl move's end) brings its machines back.
      mapped(CAPI, "Cluster", allInNamespace(ctx)),
      mapped("v1", "Secret", allInNamespace(ctx)),
    ],
    reconcile,
  };
}

/** As CAPH reports them: public IPv4, the first address of the IPv6 /64, the private IPs. */
function addresses(s: Server): Obj[] {
  const out: Obj[] = [];
  if (s.public_net.ipv4?.ip) out.push({ type: "ExternalIP", address: s.public_net.ipv4.ip });
  if (s.public_net.ipv6?.ip) out.push({ type: "ExternalIP", address: s.public_net.ipv6.ip.replace(/::\/64$/, "::1").replace(/\/64$/, "") });
  for (const n of s.private_net) if (n.ip) out.push({ type: "InternalIP", address: n.ip });
  return out;
}
