// Placement groups (spread). Create answers without an action: python-hcloud 1.18.2 crashes on a
// non-null one. Deleting a group releases its servers.
import { invalidInput, uniqueness } from "./errors.js";
import { placementGroup } from "./finders.js";
import { optString, pathId, resourceName } from "./input.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import { renderPlacementGroup } from "./render-server.js";
import type { Ctx, Reply, Route } from "./router.js";
import type { PlacementGroupRec } from "./world-types.js";

function create(ctx: Ctx): Reply {
  const p = ctx.project;
  const name = resourceName(ctx.body) ?? "";
  const type = optString(ctx.body, "type");
  if (type !== "spread") throw invalidInput({ type: ["must be spread"] });
  const labels = parseLabels(ctx.body.labels) ?? {};
  if (p.data.placementGroups.some((g) => g.name === name)) throw uniqueness("name", "placement group name is already used");
  const g: PlacementGroupRec = { id: p.newId(), name, labels, type, created: p.iso() };
  p.data.placementGroups.push(g);
  return { status: 201, body: { placement_group: renderPlacementGroup(p, g), action: null } };
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const g = placementGroup(p, pathId(ctx, "placement group"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  if (name !== undefined && name !== g.name && p.data.placementGroups.some((x) => x.name === name)) throw uniqueness("name", "placement group name is already used");
  if (name !== undefined) g.name = name;
  if (labels !== undefined) g.labels = labels;
  p.touch();
  return { status: 200, body: { placement_group: renderPlacementGroup(p, g) } };
}

function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const g = placementGroup(p, pathId(ctx, "placement group"));
  for (const s of p.data.servers) if (s.placementGroup === g.id) s.placementGroup = null;
  p.data.placementGroups = p.data.placementGroups.filter((x) => x !== g);
  p.touch();
  return { status: 204 };
}

export const placementGroupRoutes: Route[] = [
  {
    method: "GET",
    path: "/placement_groups",
    handler: (ctx) => {
      let items = filterCommon(ctx, ctx.project.data.placementGroups, { name: (g) => g.name, labels: (g) => g.labels });
      const types = ctx.query.getAll("type");
      if (types.length > 0) items = items.filter((g) => types.includes(g.type));
      return listReply(ctx, "placement_groups", items, { sort: { name: (g) => g.name, created: (g) => g.created }, render: (g) => renderPlacementGroup(ctx.project, g) });
    },
  },
  { method: "POST", path: "/placement_groups", handler: create },
  { method: "GET", path: "/placement_groups/{id}", handler: (ctx) => ({ status: 200, body: { placement_group: renderPlacementGroup(ctx.project, placementGroup(ctx.project, pathId(ctx, "placement group"))) } }) },
  { method: "PUT", path: "/placement_groups/{id}", handler: update },
  { method: "DELETE", path: "/placement_groups/{id}", handler: remove },
];
