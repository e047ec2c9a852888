// Primary IPs: created with each server (auto_delete) or on their own; hk's destroy sweep finds
// leftovers by label. One goes only to a stopped server; deleting one requires it to be unassigned
// (the rule in force after 1 May 2026) and unprotected. Its actions are in routes-primary-ip-actions.ts.
import { findDatacenter, findLocation, locationByName } from "./catalog.js";
import { invalidInput, notFound, opError, protectedFrom, uniqueness } from "./errors.js";
import { exclusive, optBool, optId, optIdOrName, optString, pathId, resourceName } from "./input.js";
import { renderDatacenter } from "./render-server.js";
import { publicIpv4, publicIpv6 } from "./ip.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import type { Project } from "./project.js";
import type { Ctx, Route } from "./router.js";
import type { PrimaryIpRec, ServerRec } from "./world-types.js";

export function newPrimaryIp(p: Project, type: "ipv4" | "ipv6", location: string, assignee: number | null, autoDelete: boolean, name?: string): PrimaryIpRec {
  const used = new Set(p.data.primaryIps.map((ip) => ip.ip));
  let ip: string;
  do {
    const n = p.data.nextIp++;
    ip = type === "ipv4" ? publicIpv4(n) : publicIpv6(n);
  } while (used.has(ip) && used.size < 700);
  const id = p.newId();
  const rec: PrimaryIpRec = { id, name: name ?? `primary_ip-${id}`, labels: {}, created: p.iso(), type, ip, location, assignee, autoDelete, protection: { delete: false } };
  p.data.primaryIps.push(rec);
  return rec;
}

export function primaryIp(p: Project, id: number): PrimaryIpRec {
  const ip = p.data.primaryIps.find((x) => x.id === id);
  if (!ip) throw notFound(`primary IP with ID ${id}`);
  return ip;
}

/** Refuses what the API refuses before a primary IP of `type` goes to `server` (create and assign share the rule). */
export function checkAssignable(server: ServerRec, type: PrimaryIpRec["type"]): void {
  if (server.status !== "off") throw opError(422, "server_not_stopped", `server ${server.id} must be powered off to take a primary IP`);
  if (server[type] !== null) throw opError(422, `server_has_${type}`, `server ${server.id} already has an ${type} address`);
}

export function assignTo(ip: PrimaryIpRec, server: ServerRec): void {
  ip.assignee = server.id;
  server[ip.type] = ip.id;
}

function render(ip: PrimaryIpRec): Record<string, unknown> {
  const loc = locationByName(ip.location);
  return {
    id: ip.id,
    name: ip.name,
    labels: ip.labels,
    created: ip.created,
    blocked: false,
    location: loc,
    // Legacy: this spec edition removed it, the Debian clients read it (python's .datacenter, the CLI's describe).
    datacenter: renderDatacenter(ip.location),
    ip: ip.ip,
    dns_ptr: ip.type === "ipv4" ? [{ ip: ip.ip, dns_ptr: `static.${ip.ip.split(".").reverse().join(".")}.clients.your-server.de` }] : [],
    protection: ip.protection,
    type: ip.type,
    auto_delete: ip.autoDelete,
    assignee_type: "server",
    assignee_id: ip.assignee,
  };
}

function create(ctx: Ctx) {
  const p = ctx.project;
  const name = resourceName(ctx.body) ?? "";
  const type = optString(ctx.body, "type");
  if (type !== "ipv4" && type !== "ipv6") throw invalidInput({ type: ["must be ipv4 or ipv6"] });
  // `location` excludes `assignee_id` and `datacenter` (the spec's request description). python 1.18.2
  // always sends `datacenter` (an ID once looked up), with `assignee_id` too: the assignee's location wins.
  exclusive(ctx.body, ["location", "assignee_id"]);
  exclusive(ctx.body, ["location", "datacenter"]);
  const assignee = optId(ctx.body, "assignee_id");
  const server = assignee === undefined ? undefined : p.data.servers.find((s) => s.id === assignee);
  if (assignee !== undefined && !server) throw invalidInput({ assignee_id: ["server not found"] });
  const locRef = optIdOrName(ctx.body, "location");
  const dcRef = optIdOrName(ctx.body, "datacenter");
  const loc = locRef === undefined ? undefined : findLocation(locRef);
  const dc = dcRef === undefined ? undefined : findDatacenter(dcRef);
  if (locRef !== undefined && !loc) throw invalidInput({ location: ["location not found"] });
  if (dcRef !== undefined && !dc) throw invalidInput({ datacenter: ["datacenter not found"] });
  const location = server?.location ?? loc?.name ?? dc?.location;
  if (!location) throw invalidInput({ location: ["location or assignee_id is required"] });
  if (p.data.primaryIps.some((ip) => ip.name === name)) throw uniqueness("name");
  const labels = parseLabels(ctx.body.labels) ?? {};
  const autoDelete = optBool(ctx.body, "auto_delete") ?? false;
  if (server) checkAssignable(server, type);
  const rec = newPrimaryIp(p, type, location, null, autoDelete, name);
  rec.labels = labels;
  if (server) assignTo(rec, server);
  const action = p.startAction("create_primary_ip", [{ id: rec.id, type: "primary_ip" }], { durationMs: 0 });
  return { status: 201, body: { primary_ip: render(rec), action: p.renderAction(action) } };
}

function update(ctx: Ctx) {
  const p = ctx.project;
  const rec = primaryIp(p, pathId(ctx, "primary IP"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  const autoDelete = optBool(ctx.body, "auto_delete");
  if (name !== undefined && name !== rec.name && p.data.primaryIps.some((ip) => ip.name === name)) throw uniqueness("name");
  if (name !== undefined) rec.name = name;
  if (labels !== undefined) rec.labels = labels;
  if (autoDelete !== undefined) rec.autoDelete = autoDelete;
  p.touch();
  return { status: 200, body: { primary_ip: render(rec) } };
}

function remove(ctx: Ctx) {
  const p = ctx.project;
  const rec = primaryIp(p, pathId(ctx, "primary IP"));
  if (rec.protection.delete) throw protectedFrom(`primary IP ${rec.id}`);
  if (rec.assignee !== null) throw opError(422, "must_be_unassigned", "the primary IP must be unassigned before it can be deleted");
  p.data.primaryIps = p.data.primaryIps.filter((x) => x !== rec);
  p.touch();
  return { status: 204 };
}

export const primaryIpRoutes: Route[] = [
  {
    method: "GET",
    path: "/primary_ips",
    handler: (ctx) => {
      let items = filterCommon(ctx, ctx.project.data.primaryIps, { name: (i) => i.name, labels: (i) => i.labels });
      const ip = ctx.query.get("ip");
      if (ip !== null) items = items.filter((i) => i.ip === ip);
      return listReply(ctx, "primary_ips", items, { sort: { created: (i) => i.created }, render });
    },
  },
  { method: "POST", path: "/primary_ips", handler: create },
  { method: "GET", path: "/primary_ips/{id}", handler: (ctx) => ({ status: 200, body: { primary_ip: render(primaryIp(ctx.project, pathId(ctx, "primary IP"))) } }) },
  { method: "PUT", path: "/primary_ips/{id}", handler: update },
  { method: "DELETE", path: "/primary_ips/{id}", handler: remove },
];
