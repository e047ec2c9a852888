// Servers: list/get/create/update/delete. Deleting answers 200 with a delete_server action; the
// server and what lives with it (auto-delete primary IPs) go at once, attachments are released.
import { protectedFrom, uniqueness } from "./errors.js";
import { removeServer } from "./effects.js";
import { server } from "./finders.js";
import { hostname, pathId } from "./input.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import { renderServer } from "./render-server.js";
import type { Ctx, Reply, Route } from "./router.js";
import { createServer } from "./server-create.js";

function list(ctx: Ctx): Reply {
  const p = ctx.project;
  let items = filterCommon(ctx, p.data.servers, { name: (s) => s.name, labels: (s) => s.labels });
  const statuses = ctx.query.getAll("status");
  if (statuses.length > 0) items = items.filter((s) => statuses.includes(s.status));
  return listReply(ctx, "servers", items, { sort: { name: (s) => s.name, created: (s) => s.created }, render: (s) => renderServer(p, s) });
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = server(p, pathId(ctx, "server"));
  const name = hostname(ctx.body, false);
  const labels = parseLabels(ctx.body.labels);
  if (name !== undefined && name !== s.name && p.data.servers.some((x) => x.name === name)) throw uniqueness("name", "server name is already used");
  if (name !== undefined) s.name = name;
  if (labels !== undefined) s.labels = labels;
  p.touch();
  return { status: 200, body: { server: renderServer(p, s) } };
}

/** The server leaves the project at once (as the API documents); the action reports the teardown. */
function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = server(p, pathId(ctx, "server"));
  if (s.protection.delete) throw protectedFrom(`server ${s.id}`);
  removeServer(p, s.id);
  const action = p.startAction("delete_server", [{ id: s.id, type: "server" }]);
  return { status: 200, body: { action: p.renderAction(action) } };
}

export const serverRoutes: Route[] = [
  { method: "GET", path: "/servers", handler: list },
  { method: "POST", path: "/servers", handler: createServer },
  { method: "GET", path: "/servers/{id}", handler: (ctx) => ({ status: 200, body: { server: renderServer(ctx.project, server(ctx.project, pathId(ctx, "server"))) } }) },
  { method: "PUT", path: "/servers/{id}", handler: update },
  { method: "DELETE", path: "/servers/{id}", handler: remove },
];
