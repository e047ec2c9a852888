// Volumes: enough for hk's destroy sweep to find and delete leftovers (create/list/get/update/delete),
// plus attach/detach and change_protection. A volume must be detached and unprotected to be deleted.
import { LOCATIONS } from "./catalog.js";
import { invalidInput, opError, protectedFrom, uniqueness } from "./errors.js";
import { server, volume } from "./finders.js";
import { idOrName, optBool, optId, optInt, optString, pathId, reqId, resourceName } from "./input.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import type { Ctx, Reply, Route } from "./router.js";
import type { VolumeRec } from "./world-types.js";
import { changeDeleteProtection } from "./protection.js";

function render(v: VolumeRec): Record<string, unknown> {
  return {
    id: v.id,
    created: v.created,
    name: v.name,
    server: v.server,
    location: LOCATIONS.find((l) => l.name === v.location),
    size: v.size,
    linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${v.id}`,
    protection: v.protection,
    labels: v.labels,
    status: v.status,
    format: v.format,
  };
}

function create(ctx: Ctx): Reply {
  const p = ctx.project;
  const b = ctx.body;
  const name = resourceName(b) ?? "";
  const size = optInt(b, "size", { min: 10, max: 10240 });
  if (size === undefined) throw invalidInput({ size: ["is required (10-10240 GB)"] });
  const serverId = optId(b, "server");
  const s = serverId === undefined ? undefined : server(p, serverId);
  const locRef = b.location === undefined || b.location === null ? undefined : idOrName(b.location, "location");
  const loc = s ? s.location : LOCATIONS.find((l) => (typeof locRef === "number" ? l.id === locRef : l.name === locRef))?.name;
  if (!loc) throw invalidInput({ location: ["location or server is required"] });
  const format = optString(b, "format") ?? null;
  if (format !== null && format !== "ext4" && format !== "xfs") throw invalidInput({ format: ["must be ext4 or xfs"] });
  if (p.data.volumes.some((v) => v.name === name)) throw uniqueness("name", "volume name is already used");
  const v: VolumeRec = { id: p.newId(), name, size, location: loc, server: s?.id ?? null, labels: parseLabels(b.labels) ?? {}, created: p.iso(), format, status: "creating", protection: { delete: false } };
  p.data.volumes.push(v);
  const action = p.startAction("create_volume", [{ id: v.id, type: "volume" }], { effects: [{ kind: "volume_ready", volume: v.id }] });
  return { status: 201, body: { volume: render(v), action: p.renderAction(action), next_actions: [] } };
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const v = volume(p, pathId(ctx, "volume"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  if (name !== undefined && name !== v.name && p.data.volumes.some((x) => x.name === name)) throw uniqueness("name", "volume name is already used");
  if (name !== undefined) v.name = name;
  if (labels !== undefined) v.labels = labels;
  p.touch();
  return { status: 200, body: { volume: render(v) } };
}

function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const v = volume(p, pathId(ctx, "volume"));
  if (v.protection.delete) throw protectedFrom(`volume ${v.id}`);
  if (v.server !== null) throw opError(422, "volume_attached", `volume ${v.id} is attached to server ${v.server}`);
  p.data.volumes = p.data.volumes.filter((x) => x !== v);
  p.touch();
  return { status: 204 };
}

function attach(ctx: Ctx, on: boolean): Reply {
  const p = ctx.project;
  const v = volume(p, pathId(ctx, "volume"));
  if (on) {
    const s = server(p, reqId(ctx.body, "server"));
    if (v.server !== null) throw opError(422, "volume_already_attached", `volume ${v.id} is already attached`);
    if (s.location !== v.location) throw invalidInput({ server: ["server is in another location"] });
    v.server = s.id;
  } else v.server = null;
  const action = p.startAction(on ? "attach_volume" : "detach_volume", [{ id: v.id, type: "volume" }]);
  return { status: 201, body: { action: p.renderAction(action) } };
}

function changeProtection(ctx: Ctx): Reply {
  const p = ctx.project;
  const v = volume(p, pathId(ctx, "volume"));
  return changeDeleteProtection(p, v, "volume", optBool(ctx.body, "delete"));
}

export const volumeRoutes: Route[] = [
  {
    method: "GET",
    path: "/volumes",
    handler: (ctx) => {
      let items = filterCommon(ctx, ctx.project.data.volumes, { name: (v) => v.name, labels: (v) => v.labels });
      const statuses = ctx.query.getAll("status");
      if (statuses.length > 0) items = items.filter((v) => statuses.includes(v.status));
      return listReply(ctx, "volumes", items, { sort: { name: (v) => v.name, created: (v) => v.created }, render });
    },
  },
  { method: "POST", path: "/volumes", handler: create },
  { method: "GET", path: "/volumes/{id}", handler: (ctx) => ({ status: 200, body: { volume: render(volume(ctx.project, pathId(ctx, "volume"))) } }) },
  { method: "PUT", path: "/volumes/{id}", handler: update },
  { method: "DELETE", path: "/volumes/{id}", handler: remove },
  { method: "POST", path: "/volumes/{id}/actions/attach", handler: (ctx) => attach(ctx, true) },
  { method: "POST", path: "/volumes/{id}/actions/detach", handler: (ctx) => attach(ctx, false) },
  { method: "POST", path: "/volumes/{id}/actions/change_protection", handler: changeProtection },
];
