// Load balancer actions. They take effect at once and report an action; unlike server actions they
// do not lock the load balancer (the CLI fires them back to back without waiting).
import { invalidInput, opError } from "./errors.js";
import { loadBalancer } from "./finders.js";
import { idOrName, optBool, optString, pathId, reqId, reqInt } from "./input.js";
import { parseService, parseTarget, sameTarget } from "./lb-parts.js";
import { allocatePrivateIp, network } from "./network-attach.js";
import type { Project } from "./project.js";
import type { Ctx, Reply, Route } from "./router.js";
import { checkTarget, lbType } from "./routes-load-balancers.js";
import { LB_TYPES } from "./types-catalog.js";
import type { LoadBalancerRec } from "./world-types.js";

function lbAction(command: string, apply: (p: Project, lb: LoadBalancerRec, body: Record<string, unknown>) => { id: number; type: string }[] | void) {
  return (ctx: Ctx): Reply => {
    const p = ctx.project;
    const lb = loadBalancer(p, pathId(ctx, "load balancer"));
    const extra = apply(p, lb, ctx.body) ?? [];
    p.touch();
    const action = p.startAction(command, [{ id: lb.id, type: "load_balancer" }, ...extra]);
    return { status: 201, body: { action: p.renderAction(action) } };
  };
}

const addService = lbAction("add_service", (_p, lb, b) => {
  const svc = parseService(b);
  if (lb.services.some((s) => s.listen_port === svc.listen_port)) throw opError(412, "source_port_already_used", `listen port ${svc.listen_port} is already used`);
  const max = LB_TYPES.find((t) => t.name === lb.type)?.maxServices ?? 5;
  if (lb.services.length >= max) throw opError(422, "service_limit_exceeded", `a ${lb.type} holds at most ${max} services`);
  lb.services.push(svc);
});

const updateService = lbAction("update_service", (_p, lb, b) => {
  const port = reqInt(b, "listen_port");
  const i = lb.services.findIndex((s) => s.listen_port === port);
  const prev = lb.services[i];
  if (!prev) throw opError(404, "not_found", `no service listens on port ${port}`);
  lb.services[i] = parseService(b, prev);
});

const deleteService = lbAction("delete_service", (_p, lb, b) => {
  const port = reqInt(b, "listen_port");
  if (!lb.services.some((s) => s.listen_port === port)) throw opError(404, "not_found", `no service listens on port ${port}`);
  lb.services = lb.services.filter((s) => s.listen_port !== port);
});

const addTarget = lbAction("add_target", (p, lb, b) => {
  const t = parseTarget(b);
  checkTarget(p, lb, t);
  lb.targets.push(t);
  return t.type === "server" ? [{ id: t.server, type: "server" }] : [];
});

const removeTarget = lbAction("remove_target", (_p, lb, b) => {
  const t = parseTarget(b);
  if (!lb.targets.some((x) => sameTarget(x, t))) throw opError(404, "not_found", "the target is not defined");
  lb.targets = lb.targets.filter((x) => !sameTarget(x, t));
});

const changeAlgorithm = lbAction("change_algorithm", (_p, lb, b) => {
  const type = optString(b, "type");
  if (type !== "round_robin" && type !== "least_connections") throw invalidInput({ type: ["must be round_robin or least_connections"] });
  lb.algorithm = type;
});

const attachToNetwork = lbAction("attach_to_network", (p, lb, b) => {
  const n = network(p, reqId(b, "network"));
  if (lb.privateNet.some((x) => x.network === n.id)) throw opError(422, "load_balancer_already_attached", `load balancer ${lb.id} is already attached to network ${n.id}`);
  lb.privateNet.push({ network: n.id, ip: allocatePrivateIp(p, n, lb.location, { ip: optString(b, "ip"), ipRange: optString(b, "ip_range") }) });
  return [{ id: n.id, type: "network" }];
});

const detachFromNetwork = lbAction("detach_from_network", (p, lb, b) => {
  const n = network(p, reqId(b, "network"));
  if (!lb.privateNet.some((x) => x.network === n.id)) throw opError(422, "load_balancer_not_attached_to_network", `load balancer ${lb.id} is not attached to network ${n.id}`);
  lb.privateNet = lb.privateNet.filter((x) => x.network !== n.id);
  return [{ id: n.id, type: "network" }];
});

const changeProtection = lbAction("change_protection", (_p, lb, b) => {
  const del = optBool(b, "delete");
  if (del !== undefined) lb.protection.delete = del;
});

const publicInterface = (enabled: boolean) =>
  lbAction(enabled ? "enable_public_interface" : "disable_public_interface", (_p, lb) => {
    lb.publicEnabled = enabled;
  });

const changeType = lbAction("change_load_balancer_type", (_p, lb, b) => {
  if (b.load_balancer_type === undefined || b.load_balancer_type === null) throw invalidInput({ load_balancer_type: ["is required"] });
  const t = lbType(idOrName(b.load_balancer_type, "load_balancer_type"));
  if (lb.targets.length > t.maxTargets || lb.services.length > t.maxServices) throw invalidInput({ load_balancer_type: ["too small for the current services or targets"] });
  lb.type = t.name;
});

const path = (cmd: string) => `/load_balancers/{id}/actions/${cmd}`;

export const lbActionRoutes: Route[] = [
  { method: "POST", path: path("add_service"), handler: addService },
  { method: "POST", path: path("update_service"), handler: updateService },
  { method: "POST", path: path("delete_service"), handler: deleteService },
  { method: "POST", path: path("add_target"), handler: addTarget },
  { method: "POST", path: path("remove_target"), handler: removeTarget },
  { method: "POST", path: path("change_algorithm"), handler: changeAlgorithm },
  { method: "POST", path: path("attach_to_network"), handler: attachToNetwork },
  { method: "POST", path: path("detach_from_network"), handler: detachFromNetwork },
  { method: "POST", path: path("change_protection"), handler: changeProtection },
  { method: "POST", path: path("enable_public_interface"), handler: publicInterface(true) },
  { method: "POST", path: path("disable_public_interface"), handler: publicInterface(false) },
  { method: "POST", path: path("change_type"), handler: changeType },
];
