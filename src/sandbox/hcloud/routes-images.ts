// Images: system images and snapshots in one list with the image filters (type, status, bound_to,
// architecture, include_deprecated); only snapshots and backups can be updated or deleted.
import { SYSTEM_IMAGES } from "./catalog.js";
import { invalidInput, notFound, protectedFrom } from "./errors.js";
import { findImage, ownImage, renderImage, type AnyImage } from "./images.js";
import { optBool, optString, pathId } from "./input.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import type { Ctx, Reply, Route } from "./router.js";
import { changeDeleteProtection } from "./protection.js";

type Row = AnyImage & { id: number };

function fields(i: AnyImage) {
  return i.kind === "system"
    ? { name: i.def.name, type: "system", status: "available", labels: {}, arch: i.def.architecture, created: i.def.created, boundTo: null }
    : { name: null, type: i.rec.type, status: i.rec.status, labels: i.rec.labels, arch: i.rec.architecture, created: i.rec.created, boundTo: i.rec.boundTo };
}

function list(ctx: Ctx): Reply {
  const p = ctx.project;
  const all: Row[] = [
    ...SYSTEM_IMAGES.map((def) => ({ kind: "system" as const, def, id: def.id })),
    ...p.data.images.map((rec) => ({ kind: "own" as const, rec, id: rec.id })),
  ];
  let items = filterCommon(ctx, all, { name: (i) => fields(i).name, labels: (i) => fields(i).labels });
  const types = ctx.query.getAll("type");
  if (types.length > 0) items = items.filter((i) => types.includes(fields(i).type));
  const statuses = ctx.query.getAll("status");
  if (statuses.length > 0) items = items.filter((i) => statuses.includes(fields(i).status));
  const bound = ctx.query.getAll("bound_to").map(Number);
  if (bound.length > 0) items = items.filter((i) => bound.includes(fields(i).boundTo ?? -1));
  const arch = ctx.query.getAll("architecture");
  if (arch.length > 0) items = items.filter((i) => arch.includes(fields(i).arch));
  return listReply(ctx, "images", items, {
    sort: { name: (i) => fields(i).name ?? "", created: (i) => fields(i).created },
    render: (i) => renderImage(i),
  });
}

function get(ctx: Ctx): Reply {
  const id = pathId(ctx, "image");
  const img = findImage(ctx.project, id);
  if (!img) throw notFound(`image with ID ${id}`);
  return { status: 200, body: { image: renderImage(img) } };
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const rec = ownImage(p, pathId(ctx, "image"));
  const description = optString(ctx.body, "description");
  const type = optString(ctx.body, "type");
  const labels = parseLabels(ctx.body.labels);
  if (type !== undefined && type !== "snapshot") throw invalidInput({ type: ["can only be changed to snapshot"] });
  if (description !== undefined) rec.description = description;
  if (type === "snapshot") {
    rec.type = "snapshot";
    rec.boundTo = null;
  }
  if (labels !== undefined) rec.labels = labels;
  p.touch();
  return { status: 200, body: { image: renderImage({ kind: "own", rec }) } };
}

function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const rec = ownImage(p, pathId(ctx, "image"));
  if (rec.protection.delete) throw protectedFrom(`image ${rec.id}`);
  p.data.images = p.data.images.filter((i) => i !== rec);
  p.touch();
  return { status: 204 };
}

function changeProtection(ctx: Ctx): Reply {
  const p = ctx.project;
  const rec = ownImage(p, pathId(ctx, "image"));
  return changeDeleteProtection(p, rec, "image", optBool(ctx.body, "delete"));
}

export const imageRoutes: Route[] = [
  { method: "GET", path: "/images", handler: list },
  { method: "GET", path: "/images/{id}", handler: get },
  { method: "PUT", path: "/images/{id}", handler: update },
  { method: "DELETE", path: "/images/{id}", handler: remove },
  { method: "POST", path: "/images/{id}/actions/change_protection", handler: changeProtection },
];
