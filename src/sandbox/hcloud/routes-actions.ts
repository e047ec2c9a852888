// Actions: GET /actions/{id}, GET /actions?id=… (without ids: 410, listing all was removed), and
// the per-resource lists /<res>/actions, /<res>/actions/{id}, /<res>/{id}/actions[/{action_id}].
import { ApiError, invalidInput, notFound } from "./errors.js";
import { pathId } from "./input.js";
import { listReply } from "./list.js";
import type { Ctx, Reply, Route } from "./router.js";
import type { ActionRec } from "./world-types.js";

function ids(ctx: Ctx): number[] {
  return ctx.query.getAll("id").map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw invalidInput({ id: ["must be an integer"] });
    return n;
  });
}

function list(ctx: Ctx, items: ActionRec[]): Reply {
  const p = ctx.project;
  const statuses = ctx.query.getAll("status");
  const filtered = statuses.length > 0 ? items.filter((a) => statuses.includes(a.status)) : items;
  return listReply(ctx, "actions", filtered, {
    sort: { command: (a) => a.command, status: (a) => a.status, started: (a) => a.started, finished: (a) => a.finished ?? Number.MAX_SAFE_INTEGER },
    render: (a) => p.renderAction(a),
  });
}

function byIds(ctx: Ctx, type?: string): Reply {
  const wanted = ids(ctx);
  let items = ctx.project.data.actions;
  if (type) items = items.filter((a) => a.resources.some((r) => r.type === type));
  if (wanted.length > 0) items = items.filter((a) => wanted.includes(a.id));
  return list(ctx, items);
}

function oneOf(ctx: Ctx, type: string | undefined, key: string, resource?: number): Reply {
  const id = pathId(ctx, "action", key);
  const a = ctx.project.data.actions.find(
    (x) => x.id === id && (!type || x.resources.some((r) => r.type === type && (resource === undefined || r.id === resource))),
  );
  if (!a) throw notFound(`action with ID ${id}`);
  return { status: 200, body: { action: ctx.project.renderAction(a) } };
}

function resourceRoutes(plural: string, type: string): Route[] {
  return [
    { method: "GET", path: `/${plural}/actions`, handler: (ctx) => byIds(ctx, type) },
    { method: "GET", path: `/${plural}/actions/{id}`, handler: (ctx) => oneOf(ctx, type, "id") },
    {
      method: "GET",
      path: `/${plural}/{id}/actions`,
      handler: (ctx) => {
        const rid = pathId(ctx, type);
        const wanted = ids(ctx);
        const items = ctx.project.data.actions.filter((a) => a.resources.some((r) => r.type === type && r.id === rid) && (wanted.length === 0 || wanted.includes(a.id)));
        return list(ctx, items);
      },
    },
    { method: "GET", path: `/${plural}/{id}/actions/{action_id}`, handler: (ctx) => oneOf(ctx, type, "action_id", pathId(ctx, type)) },
  ];
}

export const actionRoutes: Route[] = [
  {
    method: "GET",
    path: "/actions",
    handler: (ctx) => {
      if (ids(ctx).length === 0) {
        throw new ApiError(410, "deprecated_api_endpoint", "API functionality was removed", {
          announcement: "https://docs.hetzner.cloud/changelog#2025-01-30-listing-arbitrary-actions-in-the-actions-list-endpoint-is-removed",
        });
      }
      return byIds(ctx);
    },
  },
  { method: "GET", path: "/actions/{id}", handler: (ctx) => oneOf(ctx, undefined, "id") },
  ...resourceRoutes("servers", "server"),
  ...resourceRoutes("images", "image"),
  ...resourceRoutes("firewalls", "firewall"),
  ...resourceRoutes("networks", "network"),
  ...resourceRoutes("load_balancers", "load_balancer"),
  ...resourceRoutes("volumes", "volume"),
  ...resourceRoutes("primary_ips", "primary_ip"),
];
