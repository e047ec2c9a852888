// Load balancers: create (with services, targets and a network), update, delete. Actions live in
// routes-lb-actions.ts; both share the target checks below.
import { LOCATIONS, locationByName } from "./catalog.js";
import { invalidInput, opError, protectedFrom, uniqueness } from "./errors.js";
import { loadBalancer } from "./finders.js";
import { byIdOrName, idOrName, optArray, optBool, optId, optObject, optString, pathId, resourceName } from "./input.js";
import { publicIpv4, publicIpv6 } from "./ip.js";
import { parseLabels } from "./labels.js";
import { parseService, parseTarget, renderParts, sameTarget } from "./lb-parts.js";
import { filterCommon, listReply } from "./list.js";
import { allocatePrivateIp, network } from "./network-attach.js";
import { trafficTerms } from "./prices.js";
import type { Project } from "./project.js";
import type { Ctx, Reply, Route } from "./router.js";
import { LB_TYPES, renderLbType, type LbTypeDef } from "./types-catalog.js";
import type { LoadBalancerRec, TargetRec } from "./world-types.js";

export function renderLoadBalancer(p: Project, lb: LoadBalancerRec): Record<string, unknown> {
  const type = LB_TYPES.find((t) => t.name === lb.type);
  return {
    id: lb.id,
    name: lb.name,
    public_net: {
      enabled: lb.publicEnabled,
      ipv4: { ip: lb.publicEnabled ? lb.ipv4 : null, dns_ptr: lb.publicEnabled ? `static.${lb.ipv4.split(".").reverse().join(".")}.clients.your-server.de` : null },
      ipv6: { ip: lb.publicEnabled ? lb.ipv6 : null, dns_ptr: null },
    },
    private_net: lb.privateNet,
    location: locationByName(lb.location),
    load_balancer_type: type ? renderLbType(type) : null,
    protection: lb.protection,
    labels: lb.labels,
    created: lb.created,
    ...renderParts(p, lb),
    algorithm: { type: lb.algorithm },
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: trafficTerms(lb.location).includedTraffic,
  };
}

/** Validates a new target against the LB: duplicates, missing servers, private-network reachability. */
export function checkTarget(p: Project, lb: LoadBalancerRec, t: TargetRec): void {
  if (lb.targets.some((x) => sameTarget(x, t))) throw opError(422, "target_already_defined", "the target is already defined");
  const max = LB_TYPES.find((x) => x.name === lb.type)?.maxTargets ?? 25;
  if (lb.targets.length >= max) throw opError(422, "target_limit_exceeded", `a ${lb.type} holds at most ${max} targets`);
  if (t.type === "ip") return;
  if (t.usePrivateIp && lb.privateNet.length === 0) throw opError(422, "load_balancer_not_attached_to_network", "the load balancer is not attached to a network");
  if (t.type !== "server") return;
  const s = p.data.servers.find((x) => x.id === t.server);
  if (!s) throw invalidInput({ "server.id": [`server ${t.server} not found`] });
  if (t.usePrivateIp && !s.privateNet.some((n) => lb.privateNet.some((x) => x.network === n.network))) {
    throw opError(422, "resolve_cloud_private_targets_error", `server ${s.id} is not in the load balancer's network`);
  }
  if (!t.usePrivateIp && s.ipv4 === null) throw opError(422, "resolve_cloud_public_targets_error", `server ${s.id} has no public IPv4`);
}

/** A load balancer type by ID or name; 422 when there is none. */
export function lbType(ref: number | string): LbTypeDef {
  const t = byIdOrName(LB_TYPES, ref);
  if (!t) throw invalidInput({ load_balancer_type: ["load balancer type not found"] });
  return t;
}

function create(ctx: Ctx): Reply {
  const p = ctx.project;
  const b = ctx.body;
  const name = resourceName(b) ?? "";
  if (b.load_balancer_type === undefined) throw invalidInput({ load_balancer_type: ["is required"] });
  const type = lbType(idOrName(b.load_balancer_type, "load_balancer_type"));
  const zone = optString(b, "network_zone");
  const locRef = b.location === undefined || b.location === null ? undefined : idOrName(b.location, "location");
  const loc = locRef === undefined ? LOCATIONS.find((l) => l.network_zone === zone) : LOCATIONS.find((l) => (typeof locRef === "number" ? l.id === locRef : l.name === locRef));
  if (!loc) throw invalidInput({ location: ["a location or network_zone is required"] });
  const algorithm = (optObject(b, "algorithm")?.type ?? "round_robin") as string;
  if (algorithm !== "round_robin" && algorithm !== "least_connections") throw invalidInput({ "algorithm.type": ["is invalid"] });
  if (p.data.loadBalancers.some((x) => x.name === name)) throw uniqueness("name", "load balancer name is already used");
  const networkId = optId(b, "network");
  const n = networkId === undefined ? undefined : network(p, networkId);
  const counter = p.data.nextIp++;
  const lb: LoadBalancerRec = {
    id: 0,
    name,
    type: type.name,
    location: loc.name,
    algorithm,
    services: [],
    targets: [],
    labels: parseLabels(b.labels) ?? {},
    protection: { delete: false },
    created: p.iso(),
    publicEnabled: optBool(b, "public_interface") ?? true,
    ipv4: publicIpv4(counter),
    ipv6: publicIpv6(counter).replace("/64", "1"),
    privateNet: [],
  };
  if (n) lb.privateNet.push({ network: n.id, ip: allocatePrivateIp(p, n, loc.name, {}) });
  for (const raw of optArray(b, "services") ?? []) {
    const svc = parseService(raw);
    if (lb.services.some((s) => s.listen_port === svc.listen_port)) throw opError(412, "source_port_already_used", `listen port ${svc.listen_port} is already used`);
    lb.services.push(svc);
  }
  for (const raw of optArray(b, "targets") ?? []) {
    const t = parseTarget(raw);
    checkTarget(p, lb, t);
    lb.targets.push(t);
  }
  lb.id = p.newId();
  p.data.loadBalancers.push(lb);
  const action = p.startAction("create_load_balancer", [{ id: lb.id, type: "load_balancer" }]);
  return { status: 201, body: { load_balancer: renderLoadBalancer(p, lb), action: p.renderAction(action) } };
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const lb = loadBalancer(p, pathId(ctx, "load balancer"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  if (name !== undefined && name !== lb.name && p.data.loadBalancers.some((x) => x.name === name)) throw uniqueness("name", "load balancer name is already used");
  if (name !== undefined) lb.name = name;
  if (labels !== undefined) lb.labels = labels;
  p.touch();
  return { status: 200, body: { load_balancer: renderLoadBalancer(p, lb) } };
}

function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const lb = loadBalancer(p, pathId(ctx, "load balancer"));
  if (lb.protection.delete) throw protectedFrom(`load balancer ${lb.id}`);
  p.data.loadBalancers = p.data.loadBalancers.filter((x) => x !== lb);
  p.touch();
  return { status: 204 };
}

export const loadBalancerRoutes: Route[] = [
  {
    method: "GET",
    path: "/load_balancers",
    handler: (ctx) =>
      listReply(ctx, "load_balancers", filterCommon(ctx, ctx.project.data.loadBalancers, { name: (x) => x.name, labels: (x) => x.labels }), {
        sort: { name: (x) => x.name, created: (x) => x.created },
        render: (x) => renderLoadBalancer(ctx.project, x),
      }),
  },
  { method: "POST", path: "/load_balancers", handler: create },
  { method: "GET", path: "/load_balancers/{id}", handler: (ctx) => ({ status: 200, body: { load_balancer: renderLoadBalancer(ctx.project, loadBalancer(ctx.project, pathId(ctx, "load balancer"))) } }) },
  { method: "PUT", path: "/load_balancers/{id}", handler: update },
  { method: "DELETE", path: "/load_balancers/{id}", handler: remove },
];
