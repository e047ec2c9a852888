// The simulated CAPH's HetznerCluster controller: the cluster's network, placement groups and
// control-plane load balancer in Hetzner (the emulator, over HTTP), all labelled
// caph-cluster-<name>: owned; the control-plane endpoint from the load balancer's address; the
// status CAPI reads (ready, failure domains). Deleting waits until the cluster's servers are gone,
// then removes the load balancer, placement groups and network, then the finalizer.
import type { HcloudClient } from "../../../providers/hcloud/client.js";
import { deleteLoadBalancer, deleteNetwork, deletePlacementGroup, listNetworks, listPlacementGroups } from "../../../providers/hcloud/network.js";
import { listServers } from "../../../providers/hcloud/compute.js";
import { asArray, asObj, str, writeStatus, type Obj } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { mapped, self, splitKey, type AsyncController, type ReconcileResult } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { caphClient, tokenRejected, createLoadBalancer, createNetwork, createPlacementGroup, lbAction, listOwnedLoadBalancers, ownedLabels, ownedSelector, readToken, TokenError, type CaphLoadBalancer } from "./hcloud.js";
import { CAPI, clean, CLUSTER_NAME_LABEL, HETZNER_CLUSTER_FINALIZER, INFRA, leaveAlone, MANAGER, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer, type Cond } from "./objects.js";
import { suffix } from "../../kube/controllers/meta.js";

const inNamespace = (ctx: ProviderContext, kind: string) => (obj: KubeObject) => ctx.api.list(INFRA, kind, obj.metadata.namespace).map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`);

export function hetznerClusterController(ctx: ProviderContext): AsyncController {
  const { api, timing } = ctx;
  const waitingSaid = new Set<string>();

  // status.ready is required by the CRD: false until everything is made.
  const write = (hc: KubeObject, status: Obj, conds: Cond[]) => writeStatus(api, hc, clean({ ready: false, ...status, conditions: withConditions(statusOf(hc).conditions, conds) }), MANAGER);

  async function reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const { namespace, name } = splitKey(key);
    let hc = api.get(INFRA, "HetznerCluster", namespace, name);
    if (!hc || leaveAlone(api, hc)) return;
    if (!hc.metadata.deletionTimestamp) {
      const next = withFinalizer(hc, HETZNER_CLUSTER_FINALIZER);
      if (next) hc = api.update(next, MANAGER);
    } else if (!(hc.metadata.finalizers ?? []).includes(HETZNER_CLUSTER_FINALIZER)) return;

    if (!hc.metadata.deletionTimestamp) claimSecret(hc);
    let token: string;
    try {
      token = readToken(api, hc);
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      write(hc, statusOf(hc), [notOk("HCloudTokenAvailable", err.reason, "Error", err.message)]);
      return { requeueAfterMs: 1_000 };
    }
    const client = caphClient(token, ctx.hcloudEndpoint, timing, signal);
    try {
      if (hc.metadata.deletionTimestamp) return await remove(hc, client);
      await ensure(hc, client, signal);
    } catch (err) {
      if (!tokenRejected(err, signal)) throw err;
      const fresh = api.get(INFRA, "HetznerCluster", namespace, name);
      if (fresh) write(fresh, statusOf(fresh), [notOk("HCloudTokenAvailable", "HCloudCredentialsInvalid", "Error", "wrong hcloud token")]);
    }
  }

  async function ensure(hcIn: KubeObject, client: HcloudClient, signal: AbortSignal): Promise<void> {
    let hc = hcIn;
    const name = hc.metadata.name ?? "";

    const spec = specOf(hc);
    const conds: Cond[] = [ok("HCloudTokenAvailable")];
    const netSpec = asObj(spec.hcloudNetwork);
    let network = (await listNetworks(client, { labelSelector: ownedSelector(name) }))[0];
    if (!network && netSpec.enabled === true) {
      const zone = str(netSpec.networkZone) ?? "eu-central";
      network = await createNetwork(client, {
        name,
        ip_range: str(netSpec.cidrBlock) ?? "10.0.0.0/16",
        labels: ownedLabels(name),
        subnets: [{ type: "cloud", ip_range: str(netSpec.subnetCidrBlock) ?? "10.0.0.0/24", network_zone: zone }],
      });
      await timing.wait("hcloudInfra", signal);
    }
    if (network) conds.push(ok("NetworkReady"));

    const groups = await syncPlacementGroups(client, name, asArray(spec.hcloudPlacementGroups), signal);
    conds.push(ok("PlacementGroupsSynced"));

    const lbSpec = asObj(spec.controlPlaneLoadBalancer);
    let lb: CaphLoadBalancer | undefined;
    if (lbSpec.enabled !== false) {
      lb = await ensureLoadBalancer(client, name, lbSpec, network?.id, signal);
      conds.push(ok("LoadBalancerAttachedToNetwork"));
    }

    const endpoint = asObj(spec.controlPlaneEndpoint);
    if (lb?.public_net.ipv4.ip && !str(endpoint.host)) {
      hc = api.update({ ...hc, spec: { ...spec, controlPlaneEndpoint: { host: lb.public_net.ipv4.ip, port: listenPort(lbSpec) } } }, MANAGER);
    }
    const regions = (Array.isArray(spec.controlPlaneRegions) ? spec.controlPlaneRegions : []).map(String);
    const status: Obj = {
      ...statusOf(hc),
      ready: true,
      failureDomains: Object.fromEntries(regions.map((r) => [r, { controlPlane: true }])),
      hcloudPlacementGroups: groups,
      ...(network ? { networkStatus: { id: network.id, attachedServers: network.servers } } : {}),
      ...(lb
        ? {
            controlPlaneLoadBalancer: {
              id: lb.id,
              ipv4: lb.public_net.ipv4.ip ?? "",
              ipv6: lb.public_net.ipv6.ip ?? "",
              internalIP: lb.private_net[0]?.ip ?? "",
              protected: lb.protection.delete,
              targets: lb.targets.filter((t) => t.type === "server" && t.server).map((t) => ({ type: "server", serverID: t.server?.id })),
            },
          }
        : {}),
    };
    write(hc, status, conds);
  }

  async function syncPlacementGroups(client: HcloudClient, cluster: string, wanted: Obj[], signal: AbortSignal): Promise<Obj[]> {
    const have = await listPlacementGroups(client, { labelSelector: ownedSelector(cluster) });
    const out: Obj[] = [];
    for (const w of wanted) {
      const short = str(w.name) ?? "";
      let g = have.find((x) => x.name === `${cluster}-${short}`);
      if (!g) {
        g = await createPlacementGroup(client, { name: `${cluster}-${short}`, type: str(w.type) ?? "spread", labels: ownedLabels(cluster) });
        await timing.wait("hcloudInfra", signal);
      }
      out.push({ id: g.id, name: short, type: g.type, servers: g.servers });
    }
    // CAPH keeps the groups in sync with the spec: one taken out of it is deleted.
    for (const g of have) if (!wanted.some((w) => `${cluster}-${str(w.name) ?? ""}` === g.name)) await deletePlacementGroup(client, g.id);
    return out;
  }

  async function ensureLoadBalancer(client: HcloudClient, cluster: string, lbSpec: Obj, networkId: number | undefined, signal: AbortSignal): Promise<CaphLoadBalancer> {
    const found = await listOwnedLoadBalancers(client, cluster);
    if (found.length > 1) throw new Error(`found ${found.length} loadbalancers in HCloud`);
    let lb = found[0];
    if (!lb) {
      // CAPH names it <cluster>-kube-apiserver-<5 random characters> unless the spec names it.
      const lbName = str(lbSpec.name) ?? `${cluster}-kube-apiserver-${suffix(`${cluster}#${Date.now()}`)}`;
      lb = await createLoadBalancer(client, {
        name: lbName,
        load_balancer_type: str(lbSpec.type) ?? "lb11",
        location: str(lbSpec.region) ?? "nbg1",
        algorithm: { type: str(lbSpec.algorithm) ?? "round_robin" },
        ...(networkId !== undefined ? { network: networkId } : {}),
        labels: ownedLabels(cluster),
        services: [{ protocol: "tcp", listen_port: listenPort(lbSpec), destination_port: typeof lbSpec.port === "number" ? lbSpec.port : 6443, proxyprotocol: false }],
      });
      await timing.wait("hcloudInfra", signal);
    }
    // Extra services one after another, as CAPH adds them (all at once the API refused); a crash
    // between the create and these is caught up here.
    for (const svc of asArray(lbSpec.extraServices)) {
      const listen = Number(svc.listenPort);
      if (lb.services.some((s) => s.listen_port === listen)) continue;
      await lbAction(client, lb.id, "add_service", { protocol: str(svc.protocol) ?? "tcp", listen_port: listen, destination_port: Number(svc.destinationPort), proxyprotocol: false });
    }
    if (networkId !== undefined && lb.private_net.length === 0) await lbAction(client, lb.id, "attach_to_network", { network: networkId });
    return (await listOwnedLoadBalancers(client, cluster))[0] ?? lb;
  }

  async function remove(hc: KubeObject, client: HcloudClient): Promise<ReconcileResult> {
    const name = hc.metadata.name ?? "";
    // The machines' own deletes bring this back (HCloudMachine events): no API call while they last.
    const machines = api.list(INFRA, "HCloudMachine", hc.metadata.namespace).filter((m) => clusterOfMachine(m) === name);
    const servers = machines.length > 0 ? [] : await listServers(client, { labelSelector: ownedSelector(name) });
    if (machines.length > 0 || servers.length > 0) {
      if (!waitingSaid.has(name)) ctx.log(`HetznerCluster ${name}: waiting for ${machines.length > 0 ? `${machines.length} HCloudMachine(s)` : `${servers.length} server(s)`} to be deleted`);
      waitingSaid.add(name);
      return { requeueAfterMs: Math.max(1_000, timing.ms("machineDelete")) };
    }
    waitingSaid.delete(name);
    for (const lb of await listOwnedLoadBalancers(client, name)) await deleteLoadBalancer(client, lb.id);
    for (const g of await listPlacementGroups(client, { labelSelector: ownedSelector(name) })) await deletePlacementGroup(client, g.id);
    for (const n of await listNetworks(client, { labelSelector: ownedSelector(name) })) await deleteNetwork(client, n.id);
    releaseSecret(hc);
    const fresh = api.get(INFRA, "HetznerCluster", hc.metadata.namespace, name);
    const next = fresh && withoutFinalizer(fresh, HETZNER_CLUSTER_FINALIZER);
    if (next) api.update(next, MANAGER);
  }

  /**
   * CAPH's secret manager makes the HetznerCluster an owner (not the controller) of its token
   * Secret, so clusterctl move takes the Secret along in the pivot; the delete gives it back
   * first, or the garbage collector would take the Secret with the HetznerCluster.
   */
  function claimSecret(hc: KubeObject): void {
    const secret = secretOf(hc);
    if (!secret || (secret.metadata.ownerReferences ?? []).some((r) => r.uid === hc.metadata.uid)) return;
    const ref = { apiVersion: hc.apiVersion, kind: hc.kind, name: hc.metadata.name ?? "", uid: hc.metadata.uid ?? "" };
    api.update({ ...secret, metadata: { ...secret.metadata, ownerReferences: [...(secret.metadata.ownerReferences ?? []), ref] } }, MANAGER);
  }

  function releaseSecret(hc: KubeObject): void {
    const secret = secretOf(hc);
    const refs = secret?.metadata.ownerReferences ?? [];
    if (!secret || !refs.some((r) => r.kind === hc.kind && r.name === hc.metadata.name)) return;
    api.update({ ...secret, metadata: { ...secret.metadata, ownerReferences: refs.filter((r) => !(r.kind === hc.kind && r.name === hc.metadata.name)) } }, MANAGER);
  }

  function secretOf(hc: KubeObject): KubeObject | undefined {
    const name = str(asObj(specOf(hc).hetznerSecretRef).name);
    return name ? api.get("v1", "Secret", hc.metadata.namespace, name) : undefined;
  }

  /** The HetznerCluster an HCloudMachine belongs to: its cluster-name label's Cluster's infrastructureRef. */
  function clusterOfMachine(m: KubeObject): string | undefined {
    const clusterName = m.metadata.labels?.[CLUSTER_NAME_LABEL];
    if (!clusterName) return undefined;
    const cluster = api.get(CAPI, "Cluster", m.metadata.namespace, clusterName);
    return str(asObj(specOf(cluster ?? m).infrastructureRef).name) ?? clusterName;
  }

  return {
    name: "caph/hetznercluster",
    primary: { apiVersion: INFRA, kind: "HetznerCluster" },
    watches: [
      self(INFRA, "HetznerCluster"),
      mapped("v1", "Secret", inNamespace(ctx, "HetznerCluster")),
      mapped(CAPI, "Cluster", (c) => [`${c.metadata.namespace ?? ""}/${str(asObj(specOf(c).infrastructureRef).name) ?? c.metadata.name ?? ""}`]),
      mapped(INFRA, "HCloudMachine", inNamespace(ctx, "HetznerCluster")),
    ],
    reconcile,
  };
}

function listenPort(lbSpec: Obj): number {
  return typeof lbSpec.port === "number" ? lbSpec.port : 6443;
}
