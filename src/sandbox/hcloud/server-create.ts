// POST /servers: resolves every "ID or name" reference, allocates public and private addresses,
// joins firewalls and the placement group, and starts create_server (+ start_server when starting).
import { findDatacenter, findLocation } from "./catalog.js";
import { invalidInput, opError, uniqueness } from "./errors.js";
import { resolveImage } from "./images.js";
import { byIdOrName, exclusive, hostname, idOrName, optArray, optBool, optId, optIdOrName, optObject, optString } from "./input.js";
import { parseLabels } from "./labels.js";
import { allocatePrivateIp, macFor } from "./network-attach.js";
import { newPrimaryIp, primaryIp } from "./primary-ips.js";
import type { Project } from "./project.js";
import { renderServer } from "./render-server.js";
import { serversInPlacementGroup } from "./resolve.js";
import type { Ctx, Reply } from "./router.js";
import { SERVER_TYPES, type ServerTypeDef } from "./types-catalog.js";
import type { PrivateNetRec, ServerRec } from "./world-types.js";

/** A spread placement group holds at most this many servers. */
export const SPREAD_GROUP_MAX = 10;

function serverType(ref: number | string): ServerTypeDef {
  const t = byIdOrName(SERVER_TYPES, ref);
  if (!t) throw invalidInput({ server_type: ["server type not found"] });
  return t;
}

function pickLocation(body: Record<string, unknown>, type: ServerTypeDef): string {
  // This spec edition dropped `datacenter`; the Debian clients still send it. The API takes one or the other.
  exclusive(body, ["location", "datacenter"]);
  const locRef = optIdOrName(body, "location");
  if (locRef !== undefined) {
    const found = findLocation(locRef);
    if (!found) throw invalidInput({ location: ["location not found"] });
    return found.name;
  }
  const dcRef = optIdOrName(body, "datacenter");
  if (dcRef !== undefined) {
    const dc = findDatacenter(dcRef);
    if (!dc) throw invalidInput({ datacenter: ["datacenter not found"] });
    return dc.location;
  }
  return type.locations.includes("nbg1") ? "nbg1" : (type.locations[0] ?? "nbg1");
}

function sshKeyIds(p: Project, body: Record<string, unknown>): number[] {
  return (optArray(body, "ssh_keys") ?? []).map((v) => {
    const ref = idOrName(v, "ssh_keys");
    const key = byIdOrName(p.data.sshKeys, ref);
    if (!key) throw invalidInput({ ssh_keys: [`SSH key ${String(ref)} not found`] });
    return key.id;
  });
}

export function createServer(ctx: Ctx): Reply {
  const p = ctx.project;
  const b = ctx.body;
  const name = hostname(b, true) ?? "";
  if (b.server_type === undefined) throw invalidInput({ server_type: ["is required"] });
  if (b.image === undefined) throw invalidInput({ image: ["is required"] });
  const type = serverType(idOrName(b.server_type, "server_type"));
  const location = pickLocation(b, type);
  if (!type.locations.includes(location)) throw invalidInput({ location: [`server type ${type.name} is not available in ${location}`] });
  const image = resolveImage(p, idOrName(b.image, "image"), type.architecture);
  const labels = parseLabels(b.labels) ?? {};
  const userData = optString(b, "user_data", { max: 32 * 1024 }) ?? null;
  const start = optBool(b, "start_after_create") ?? true;
  const keys = sshKeyIds(p, b);
  const groupId = optId(b, "placement_group") ?? null;
  const networkIds = (optArray(b, "networks") ?? []).map((v) => Number(idOrName(v, "networks")));
  const firewallIds = (optArray(b, "firewalls") ?? []).map((f) => {
    const id = typeof f === "object" && f !== null ? (f as { firewall?: unknown }).firewall : undefined;
    if (typeof id !== "number") throw invalidInput({ firewalls: ["each entry needs a firewall ID"] });
    return id;
  });
  const volumeIds = (optArray(b, "volumes") ?? []).map((v) => Number(idOrName(v, "volumes")));
  const publicNet = optObject(b, "public_net") ?? {};
  const enableV4 = optBool(publicNet, "enable_ipv4") ?? true;
  const enableV6 = optBool(publicNet, "enable_ipv6") ?? true;
  const wantV4 = optId(publicNet, "ipv4");
  const wantV6 = optId(publicNet, "ipv6");

  if (p.data.servers.some((s) => s.name === name)) throw uniqueness("name", "server name is already used");
  const networks = networkIds.map((id) => {
    const n = p.data.networks.find((x) => x.id === id);
    if (!n) throw invalidInput({ networks: [`network ${id} not found`] });
    return n;
  });
  if (!enableV4 && !enableV6 && networks.length === 0) throw invalidInput({ networks: ["a server without public IPs needs a network"] });
  for (const fid of firewallIds) if (!p.data.firewalls.some((f) => f.id === fid)) throw invalidInput({ firewalls: [`firewall ${fid} not found`] });
  if (groupId !== null) {
    if (!p.data.placementGroups.some((g) => g.id === groupId)) throw invalidInput({ placement_group: ["placement group not found"] });
    if (serversInPlacementGroup(p, groupId).length >= SPREAD_GROUP_MAX) throw opError(422, "placement_error", "the placement group is full");
  }
  const volumes = volumeIds.map((id) => {
    const v = p.data.volumes.find((x) => x.id === id);
    if (!v || v.server !== null || v.location !== location) throw invalidInput({ volumes: [`volume ${id} cannot be attached`] });
    return v;
  });
  const fixed = [wantV4 === undefined ? undefined : primaryIp(p, wantV4), wantV6 === undefined ? undefined : primaryIp(p, wantV6)];
  for (const [i, ip] of fixed.entries()) {
    if (!ip) continue;
    if (ip.type !== (i === 0 ? "ipv4" : "ipv6")) throw opError(412, "primary_ip_version_mismatch", `primary IP ${ip.id} is ${ip.type}`);
    if (ip.assignee !== null) throw opError(422, "primary_ip_assigned", `primary IP ${ip.id} is already assigned`);
    if (ip.location !== location) throw opError(422, "primary_ip_datacenter_mismatch", `primary IP ${ip.id} is in ${ip.location}`);
  }
  const privateNet: PrivateNetRec[] = [];
  const id = p.newId();
  for (const n of networks) privateNet.push({ network: n.id, ip: allocatePrivateIp(p, n, location, {}), alias_ips: [], mac_address: macFor(id, n.id) });

  const snapshot = image.kind === "own" ? image.rec : undefined;
  const server: ServerRec = {
    id,
    name,
    status: "initializing",
    created: p.iso(),
    serverType: type.name,
    location,
    image: image.kind === "own" ? image.rec.id : image.def.id,
    labels,
    userData,
    privateNet,
    placementGroup: groupId,
    ipv4: null,
    ipv6: null,
    sshKeys: keys,
    rescue: null,
    inRescue: null,
    protection: { delete: false, rebuild: false },
    disk: snapshot?.disk ? { ...snapshot.disk } : null,
  };
  const v4 = enableV4 ? (fixed[0] ?? newPrimaryIp(p, "ipv4", location, null, true)) : undefined;
  const v6 = enableV6 ? (fixed[1] ?? newPrimaryIp(p, "ipv6", location, null, true)) : undefined;
  for (const ip of [v4, v6]) if (ip) ip.assignee = id;
  server.ipv4 = v4?.id ?? null;
  server.ipv6 = v6?.id ?? null;
  p.data.servers.push(server);
  for (const v of volumes) v.server = id;
  for (const fid of firewallIds) p.data.firewalls.find((f) => f.id === fid)?.applyTo.push({ type: "server", server: id });

  const res = [{ id, type: "server" }];
  const lock = [`server:${id}`];
  const create = p.startAction("create_server", res, { effects: [{ kind: "server_status", server: id, status: start ? "starting" : "off" }], locks: lock });
  const next = start
    ? [p.startAction("start_server", res, { startAfterMs: p.actionMs, effects: [{ kind: "server_status", server: id, status: "running", boot: true }], locks: lock })]
    : [];
  return {
    status: 201,
    body: {
      server: renderServer(p, server),
      action: p.renderAction(create),
      next_actions: next.map((a) => p.renderAction(a)),
      root_password: keys.length > 0 ? null : p.password(),
    },
  };
}
