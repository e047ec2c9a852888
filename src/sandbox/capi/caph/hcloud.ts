// The simulated CAPH's side of the Hetzner Cloud API: the token from the HetznerCluster's secret,
// a client on the world's endpoint, and the creates CAPH makes that hk's own client has no
// function for (networks, placement groups, load balancers and their actions). Every call goes
// over real HTTP to the emulator, as CAPH's hcloud-go calls go to Hetzner.
import { z } from "zod";
import { AbortError } from "../../../engine/errors.js";
import { HcloudClient } from "../../../providers/hcloud/client.js";
import { postAction } from "../../../providers/hcloud/crud.js";
import { listServers } from "../../../providers/hcloud/compute.js";
import { actionSchema, loadBalancerSchema, networkSchema, placementGroupSchema, serverSchema, type Action, type Labels, type Server } from "../../../providers/hcloud/schemas.js";
import type { ClusterApi, KubeObject } from "../../kube/types.js";
import type { SandboxTiming } from "../../timing.js";
import { asObj, str } from "../../kube/controllers/meta.js";

/** CAPH's owner label: `caph-cluster-<HetznerCluster name>: owned` on every object it makes. */
export const clusterTagKey = (cluster: string): string => `caph-cluster-${cluster}`;
export const ownedLabels = (cluster: string): Labels => ({ [clusterTagKey(cluster)]: "owned" });
export const ownedSelector = (cluster: string): string => `${clusterTagKey(cluster)}=owned`;

/** Why no token could be read, with CAPH's condition reason and message. */
export class TokenError extends Error {
  constructor(
    readonly reason: "HetznerSecretUnreachable" | "HCloudCredentialsInvalid",
    message: string,
  ) {
    super(message);
  }
}

/** The hcloud token the HetznerCluster's spec.hetznerSecretRef names, read in the cluster CAPH runs in. */
export function readToken(api: ClusterApi, hetznerCluster: KubeObject): string {
  const ref = asObj(asObj(hetznerCluster.spec).hetznerSecretRef);
  const name = str(ref.name);
  const key = str(asObj(ref.key).hcloudToken);
  const secret = name ? api.get("v1", "Secret", hetznerCluster.metadata.namespace, name) : undefined;
  if (!secret) throw new TokenError("HetznerSecretUnreachable", "could not find HetznerSecret");
  const b64 = key ? str(asObj(secret.data)[key]) : undefined;
  const token = b64 === undefined ? str(asObj(secret.stringData)[key ?? ""]) : Buffer.from(b64, "base64").toString("utf8");
  if (!token || token.trim() === "") throw new TokenError("HCloudCredentialsInvalid", "invalid or not specified hcloud token in Hetzner secret");
  return token.trim();
}

/** Hetzner refused the token (401, or a read-only token's write): CAPH says "wrong hcloud token" and waits for the Secret to change. */
export function tokenRejected(err: unknown, signal: AbortSignal): boolean {
  return !signal.aborted && err instanceof AbortError;
}

/** A client on the emulator, polling actions at a pace fitted to the world's timing. */
export function caphClient(token: string, endpoint: string, timing: SandboxTiming, signal: AbortSignal): HcloudClient {
  const step = Math.max(10, Math.round(timing.ms("hcloudAction") / 10));
  return HcloudClient.create({
    token,
    endpoint,
    timeoutMs: 15_000,
    maxAttempts: 3,
    backoffMs: { base: 50, max: 1_000 },
    pollMs: { initial: step, max: Math.max(step, 1_000) },
    actionTimeoutMs: Math.max(60_000, timing.ms("hcloudAction") * 20),
  }).withSignal(signal);
}

const lbFull = loadBalancerSchema.extend({
  public_net: z.object({ ipv4: z.object({ ip: z.string().nullable() }), ipv6: z.object({ ip: z.string().nullable() }) }),
  services: z.array(z.object({ protocol: z.string(), listen_port: z.number(), destination_port: z.number() })),
  private_net: z.array(z.object({ network: z.number(), ip: z.string().optional() })),
  protection: z.object({ delete: z.boolean() }),
});
export type CaphLoadBalancer = z.infer<typeof lbFull>;

export async function listOwnedLoadBalancers(c: HcloudClient, cluster: string): Promise<CaphLoadBalancer[]> {
  return c.list("/load_balancers", "load_balancers", lbFull, { label_selector: ownedSelector(cluster) });
}

export async function getLoadBalancerFull(c: HcloudClient, id: number): Promise<CaphLoadBalancer> {
  return (await c.request("GET", `/load_balancers/${id}`, { schema: z.object({ load_balancer: lbFull }) })).load_balancer;
}

export interface CreateLoadBalancer {
  name: string;
  load_balancer_type: string;
  location: string;
  algorithm: { type: string };
  network?: number;
  labels: Labels;
  services: { protocol: string; listen_port: number; destination_port: number; proxyprotocol: boolean }[];
}

export async function createLoadBalancer(c: HcloudClient, body: CreateLoadBalancer): Promise<CaphLoadBalancer> {
  const res = await c.request("POST", "/load_balancers", { body, schema: z.object({ load_balancer: lbFull, action: actionSchema }) });
  await c.waitActions([res.action]);
  return res.load_balancer;
}

export async function lbAction(c: HcloudClient, id: number, command: "add_service" | "add_target" | "remove_target" | "attach_to_network", body: unknown): Promise<void> {
  await c.waitActions(await postAction(c, `/load_balancers/${id}/actions/${command}`, body));
}

export async function createNetwork(c: HcloudClient, body: { name: string; ip_range: string; labels: Labels; subnets: { type: "cloud"; ip_range: string; network_zone: string }[] }) {
  return (await c.request("POST", "/networks", { body, schema: z.object({ network: networkSchema }) })).network;
}

export async function createPlacementGroup(c: HcloudClient, body: { name: string; type: string; labels: Labels }) {
  return (await c.request("POST", "/placement_groups", { body, schema: z.object({ placement_group: placementGroupSchema }) })).placement_group;
}

/** What CAPH sends for a server (hk's CreateServer has no networks, placement group or user data). */
export interface CaphCreateServer {
  name: string;
  server_type: string;
  image: number;
  location: string;
  labels: Labels;
  user_data: string;
  networks?: number[];
  placement_group?: number;
  public_net: { enable_ipv4: boolean; enable_ipv6: boolean };
  start_after_create: boolean;
}

const createdServer = z.object({ server: serverSchema, action: actionSchema.optional(), next_actions: z.array(actionSchema).optional() });

/** Creates a server; after an unclear answer, the one the first attempt made (same name, CAPH's labels) is taken. */
export async function createCaphServer(c: HcloudClient, body: CaphCreateServer): Promise<{ server: Server; actions: Action[] }> {
  const res = await c.request<z.infer<typeof createdServer>>("POST", "/servers", {
    body,
    schema: createdServer,
    recover: async () => {
      const [server] = await listServers(c, { name: body.name });
      return server && Object.entries(body.labels).every(([k, v]) => server.labels[k] === v) ? { server } : undefined;
    },
  });
  return { server: res.server, actions: [...(res.action ? [res.action] : []), ...(res.next_actions ?? [])] };
}
