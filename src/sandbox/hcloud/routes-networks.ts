// Networks with subnets and routes. Changes are network actions; a second change while one runs
// answers 409 conflict, which clears as soon as the first finishes (never a persistent conflict).
import { ApiError, invalidInput, opError, protectedFrom, uniqueness } from "./errors.js";
import { optArray, optBool, pathId, resourceName } from "./input.js";
import { containsCidr, parseCidr } from "./ip.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import { gatewayOf, network } from "./network-attach.js";
import { parseRoute, parseSubnet, renderNetworkBase, subnetHolds, validateIpRange } from "./network-subnets.js";
import type { Project } from "./project.js";
import type { Ctx, Reply, Route } from "./router.js";
import type { NetworkRec } from "./world-types.js";

function render(p: Project, n: NetworkRec): Record<string, unknown> {
  return {
    ...renderNetworkBase(n, gatewayOf(n)),
    servers: p.data.servers.filter((s) => s.privateNet.some((x) => x.network === n.id)).map((s) => s.id),
    load_balancers: p.data.loadBalancers.filter((lb) => lb.privateNet.some((x) => x.network === n.id)).map((lb) => lb.id),
    protection: n.protection,
    labels: n.labels,
    created: n.created,
    expose_routes_to_vswitch: n.exposeRoutesToVswitch,
  };
}

function create(ctx: Ctx): Reply {
  const p = ctx.project;
  const name = resourceName(ctx.body) ?? "";
  const ipRange = validateIpRange(ctx.body.ip_range);
  const labels = parseLabels(ctx.body.labels) ?? {};
  if (p.data.networks.some((n) => n.name === name)) throw uniqueness("name", "network name is already used");
  const n: NetworkRec = { id: 0, name, ipRange, subnets: [], routes: [], labels, protection: { delete: false }, created: p.iso(), exposeRoutesToVswitch: optBool(ctx.body, "expose_routes_to_vswitch") ?? false };
  (optArray(ctx.body, "subnets") ?? []).forEach((s, i) => n.subnets.push(parseSubnet(s, n, `subnets[${i}]`)));
  n.routes = (optArray(ctx.body, "routes") ?? []).map((r, i) => parseRoute(r, n, `routes[${i}]`));
  n.id = p.newId();
  p.data.networks.push(n);
  return { status: 201, body: { network: render(p, n) } };
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const n = network(p, pathId(ctx, "network"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  const expose = optBool(ctx.body, "expose_routes_to_vswitch");
  if (name !== undefined && name !== n.name && p.data.networks.some((x) => x.name === name)) throw uniqueness("name", "network name is already used");
  if (name !== undefined) n.name = name;
  if (labels !== undefined) n.labels = labels;
  if (expose !== undefined) n.exposeRoutesToVswitch = expose;
  p.touch();
  return { status: 200, body: { network: render(p, n) } };
}

function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const n = network(p, pathId(ctx, "network"));
  if (n.protection.delete) throw protectedFrom(`network ${n.id}`);
  for (const s of p.data.servers) s.privateNet = s.privateNet.filter((x) => x.network !== n.id);
  for (const lb of p.data.loadBalancers) lb.privateNet = lb.privateNet.filter((x) => x.network !== n.id);
  p.data.networks = p.data.networks.filter((x) => x !== n);
  p.touch();
  return { status: 204 };
}

/** Runs a network change unless another is in flight (409 conflict, transient). */
function change(command: string, apply: (p: Project, n: NetworkRec, body: Record<string, unknown>) => void) {
  return (ctx: Ctx): Reply => {
    const p = ctx.project;
    const n = network(p, pathId(ctx, "network"));
    if (p.isLocked(`network:${n.id}`)) throw new ApiError(409, "conflict", `network ${n.id} is being changed; try again shortly`);
    apply(p, n, ctx.body);
    const action = p.startAction(command, [{ id: n.id, type: "network" }], { locks: [`network:${n.id}`] });
    return { status: 201, body: { action: p.renderAction(action) } };
  };
}

const addSubnet = change("add_subnet", (_p, n, b) => {
  n.subnets.push(parseSubnet(b, n, "subnet"));
});

const deleteSubnet = change("delete_subnet", (p, n, b) => {
  const subnet = n.subnets.find((s) => s.ip_range === b.ip_range);
  if (!subnet) throw invalidInput({ ip_range: ["subnet not found"] });
  const inUse =
    p.data.servers.some((s) => s.privateNet.some((x) => x.network === n.id && subnetHolds(subnet, x.ip))) ||
    p.data.loadBalancers.some((lb) => lb.privateNet.some((x) => x.network === n.id && subnetHolds(subnet, x.ip)));
  if (inUse) throw opError(422, "resource_in_use", "the subnet still has attached resources");
  n.subnets = n.subnets.filter((s) => s !== subnet);
});

const addRoute = change("add_route", (_p, n, b) => {
  const route = parseRoute(b, n, "route");
  if (n.routes.some((r) => r.destination === route.destination && r.gateway === route.gateway)) throw invalidInput({ destination: ["route already exists"] });
  n.routes.push(route);
});

const deleteRoute = change("delete_route", (_p, n, b) => {
  const before = n.routes.length;
  n.routes = n.routes.filter((r) => !(r.destination === b.destination && r.gateway === b.gateway));
  if (n.routes.length === before) throw invalidInput({ destination: ["route not found"] });
});

const changeIpRange = change("change_ip_range", (_p, n, b) => {
  const next = validateIpRange(b.ip_range);
  const a = parseCidr(n.ipRange);
  const c = parseCidr(next);
  if (!a || !c || !containsCidr(c, a)) throw invalidInput({ ip_range: ["can only be extended"] });
  n.ipRange = next;
});

const changeProtection = change("change_protection", (_p, n, b) => {
  const del = optBool(b, "delete");
  if (del !== undefined) n.protection.delete = del;
});

const path = (cmd: string) => `/networks/{id}/actions/${cmd}`;

export const networkRoutes: Route[] = [
  {
    method: "GET",
    path: "/networks",
    handler: (ctx) =>
      listReply(ctx, "networks", filterCommon(ctx, ctx.project.data.networks, { name: (n) => n.name, labels: (n) => n.labels }), {
        sort: { name: (n) => n.name, created: (n) => n.created },
        render: (n) => render(ctx.project, n),
      }),
  },
  { method: "POST", path: "/networks", handler: create },
  { method: "GET", path: "/networks/{id}", handler: (ctx) => ({ status: 200, body: { network: render(ctx.project, network(ctx.project, pathId(ctx, "network"))) } }) },
  { method: "PUT", path: "/networks/{id}", handler: update },
  { method: "DELETE", path: "/networks/{id}", handler: remove },
  { method: "POST", path: path("add_subnet"), handler: addSubnet },
  { method: "POST", path: path("delete_subnet"), handler: deleteSubnet },
  { method: "POST", path: path("add_route"), handler: addRoute },
  { method: "POST", path: path("delete_route"), handler: deleteRoute },
  { method: "POST", path: path("change_ip_range"), handler: changeIpRange },
  { method: "POST", path: path("change_protection"), handler: changeProtection },
];
