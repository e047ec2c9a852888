// Servers, images (snapshots) and SSH keys: what the Talos image build and the leftover sweep use.
import { z } from "zod";
import type { HcloudClient } from "./client.js";
import { deleteOne, getOne, postAction } from "./crud.js";
import { actionSchema, imageSchema, serverSchema, sshKeySchema, type Action, type Image, type Labels, type Server, type SshKey } from "./schemas.js";

export interface ListQuery {
  labelSelector?: string;
  name?: string;
}

function listQuery(q: ListQuery): Record<string, string | undefined> {
  return { label_selector: q.labelSelector, name: q.name };
}

// --- images ---

export function listImages(c: HcloudClient, q: ListQuery & { type?: Image["type"]; architecture?: Image["architecture"] } = {}): Promise<Image[]> {
  return c.list("/images", "images", imageSchema, { ...listQuery(q), type: q.type, architecture: q.architecture });
}

export function getImage(c: HcloudClient, id: number): Promise<Image | undefined> {
  return getOne(c, `/images/${id}`, "image", imageSchema);
}

export async function updateImage(c: HcloudClient, id: number, change: { description?: string; labels?: Labels }): Promise<Image> {
  const res = await c.request("PUT", `/images/${id}`, { body: change, schema: z.object({ image: imageSchema }) });
  return res.image;
}

export function deleteImage(c: HcloudClient, id: number): Promise<void> {
  return deleteOne(c, `/images/${id}`);
}

// --- servers ---

export interface CreateServer {
  name: string;
  server_type: string;
  image: string | number;
  location?: string;
  ssh_keys?: (string | number)[];
  labels?: Labels;
  start_after_create?: boolean;
  public_net?: { enable_ipv4: boolean; enable_ipv6: boolean };
}

// `action` is always there in an answer; it is missing only when the server was found after an unclear answer.
const createdServer = z.object({ server: serverSchema, action: actionSchema.optional(), next_actions: z.array(actionSchema).optional() });

/** Create a server; a retry after an unclear answer finds the one the first attempt made (by name and labels). */
export async function createServer(c: HcloudClient, body: CreateServer): Promise<{ server: Server; actions: Action[] }> {
  const res = await c.request<z.infer<typeof createdServer>>("POST", "/servers", {
    body,
    schema: createdServer,
    recover: async () => {
      const [server] = await listServers(c, { name: body.name });
      if (!server || !sameLabels(server.labels, body.labels)) return undefined;
      return { server };
    },
  });
  if (!res.action) return { server: res.server, actions: await c.list(`/servers/${res.server.id}/actions`, "actions", actionSchema, { status: "running" }) };
  return { server: res.server, actions: [res.action, ...(res.next_actions ?? [])] };
}

export function listServers(c: HcloudClient, q: ListQuery = {}): Promise<Server[]> {
  return c.list("/servers", "servers", serverSchema, listQuery(q));
}

export function getServer(c: HcloudClient, id: number): Promise<Server | undefined> {
  return getOne(c, `/servers/${id}`, "server", serverSchema);
}

export function deleteServer(c: HcloudClient, id: number): Promise<void> {
  return deleteOne(c, `/servers/${id}`);
}

export function serverAction(c: HcloudClient, id: number, command: "poweron" | "poweroff" | "reset" | "shutdown" | "disable_rescue", body: unknown = {}): Promise<Action[]> {
  return postAction(c, `/servers/${id}/actions/${command}`, body);
}

export function enableRescue(c: HcloudClient, id: number, sshKeys: number[]): Promise<Action[]> {
  return postAction(c, `/servers/${id}/actions/enable_rescue`, { type: "linux64", ssh_keys: sshKeys });
}

const createdImage = z.object({ image: imageSchema, action: actionSchema.optional() });

/**
 * Snapshot a server's disk. A retry after an unclear answer looks for the image by `findLabel`
 * (a label unique to this build), so a dropped answer never leaves two snapshots.
 */
export async function createImage(c: HcloudClient, id: number, body: { description: string; labels: Labels }, findLabel: string): Promise<{ image: Image; action: Action | undefined }> {
  const res = await c.request<z.infer<typeof createdImage>>("POST", `/servers/${id}/actions/create_image`, {
    body: { ...body, type: "snapshot" },
    schema: createdImage,
    recover: async () => {
      const [image] = await listImages(c, { type: "snapshot", labelSelector: findLabel });
      return image ? { image } : undefined;
    },
  });
  return { image: res.image, action: res.action };
}

// --- ssh keys ---

export async function createSshKey(c: HcloudClient, body: { name: string; public_key: string; labels: Labels }): Promise<SshKey> {
  const res = await c.request("POST", "/ssh_keys", {
    body,
    schema: z.object({ ssh_key: sshKeySchema }),
    recover: async () => {
      const [key] = await listSshKeys(c, { name: body.name });
      return key && sameLabels(key.labels, body.labels) ? { ssh_key: key } : undefined;
    },
  });
  return res.ssh_key;
}

export function listSshKeys(c: HcloudClient, q: ListQuery = {}): Promise<SshKey[]> {
  return c.list("/ssh_keys", "ssh_keys", sshKeySchema, listQuery(q));
}

export function getSshKey(c: HcloudClient, id: number): Promise<SshKey | undefined> {
  return getOne(c, `/ssh_keys/${id}`, "ssh_key", sshKeySchema);
}

export function deleteSshKey(c: HcloudClient, id: number): Promise<void> {
  return deleteOne(c, `/ssh_keys/${id}`);
}

function sameLabels(a: Labels, b: Labels | undefined): boolean {
  const want = Object.entries(b ?? {});
  return want.length === Object.keys(a).length && want.every(([k, v]) => a[k] === v);
}
