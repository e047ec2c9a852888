// Firewalls: rules replaced by set_rules, applied to servers directly or by label selector (matches
// follow server labels live), and refused deletion (422 resource_in_use) while applied to anything.
import { opError, uniqueness } from "./errors.js";
import { firewall } from "./finders.js";
import { pathId, resourceName } from "./input.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import { parseApplyTo, parseRules, renderFirewall, sameTarget } from "./firewall-rules.js";
import type { Project } from "./project.js";
import { serversMatching } from "./resolve.js";
import type { Ctx, Reply, Route } from "./router.js";
import type { ActionRec, ApplyTo, FirewallRec } from "./world-types.js";

function serversOf(p: Project, a: ApplyTo): number[] {
  return a.type === "server" ? [a.server] : serversMatching(p, a.selector).map((s) => s.id);
}

function targetAction(p: Project, fw: FirewallRec, command: string, a: ApplyTo): ActionRec {
  const servers = serversOf(p, a).map((id) => ({ id, type: "server" }));
  return p.startAction(command, [{ id: fw.id, type: "firewall" }, ...servers]);
}

/** Checks a new apply_to entry: the server must exist, have a public interface and not have it yet. */
function checkTarget(p: Project, fw: FirewallRec, a: ApplyTo, missingStatus: number): void {
  if (fw.applyTo.some((x) => sameTarget(x, a))) throw opError(422, "firewall_already_applied", `firewall ${fw.id} is already applied to this resource`);
  if (a.type !== "server") return;
  const s = p.data.servers.find((x) => x.id === a.server);
  if (!s) throw opError(missingStatus, "firewall_resource_not_found", `server ${a.server} not found`);
  if (s.ipv4 === null && s.ipv6 === null) throw opError(422, "private_net_only_server", `server ${s.id} has no public interface`);
}

function create(ctx: Ctx): Reply {
  const p = ctx.project;
  const name = resourceName(ctx.body) ?? "";
  const labels = parseLabels(ctx.body.labels) ?? {};
  const rules = parseRules(ctx.body.rules);
  const applyTo = parseApplyTo(ctx.body.apply_to, "apply_to");
  if (p.data.firewalls.some((f) => f.name === name)) throw uniqueness("name", "firewall name is already used");
  const fw: FirewallRec = { id: 0, name, labels, created: p.iso(), rules, applyTo: [] };
  for (const a of applyTo) checkTarget(p, fw, a, 422);
  fw.id = p.newId();
  fw.applyTo = applyTo;
  p.data.firewalls.push(fw);
  const actions = applyTo.map((a) => targetAction(p, fw, "apply_firewall", a));
  return { status: 201, body: { firewall: renderFirewall(p, fw), actions: actions.map((a) => p.renderAction(a)) } };
}

function update(ctx: Ctx): Reply {
  const p = ctx.project;
  const fw = firewall(p, pathId(ctx, "firewall"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  if (name !== undefined && name !== fw.name && p.data.firewalls.some((f) => f.name === name)) throw uniqueness("name", "firewall name is already used");
  if (name !== undefined) fw.name = name;
  if (labels !== undefined) fw.labels = labels;
  p.touch();
  return { status: 200, body: { firewall: renderFirewall(p, fw) } };
}

function remove(ctx: Ctx): Reply {
  const p = ctx.project;
  const fw = firewall(p, pathId(ctx, "firewall"));
  if (fw.applyTo.length > 0) throw opError(422, "resource_in_use", `firewall ${fw.id} is still applied to a resource`);
  p.data.firewalls = p.data.firewalls.filter((f) => f !== fw);
  p.touch();
  return { status: 204 };
}

function setRules(ctx: Ctx): Reply {
  const p = ctx.project;
  const fw = firewall(p, pathId(ctx, "firewall"));
  fw.rules = parseRules(ctx.body.rules);
  const actions = [p.startAction("set_firewall_rules", [{ id: fw.id, type: "firewall" }])];
  const servers = [...new Set(fw.applyTo.flatMap((a) => serversOf(p, a)))];
  if (servers.length > 0) actions.push(p.startAction("apply_firewall", [{ id: fw.id, type: "firewall" }, ...servers.map((id) => ({ id, type: "server" }))]));
  return { status: 201, body: { actions: actions.map((a) => p.renderAction(a)) } };
}

function applyToResources(ctx: Ctx): Reply {
  const p = ctx.project;
  const fw = firewall(p, pathId(ctx, "firewall"));
  const entries = parseApplyTo(ctx.body.apply_to, "apply_to");
  for (const a of entries) checkTarget(p, fw, a, 404);
  fw.applyTo.push(...entries);
  const actions = entries.map((a) => targetAction(p, fw, "apply_firewall", a));
  return { status: 201, body: { actions: actions.map((a) => p.renderAction(a)) } };
}

function removeFromResources(ctx: Ctx): Reply {
  const p = ctx.project;
  const fw = firewall(p, pathId(ctx, "firewall"));
  const entries = parseApplyTo(ctx.body.remove_from, "remove_from");
  for (const a of entries) {
    if (fw.applyTo.some((x) => sameTarget(x, a))) continue;
    const viaSelector = a.type === "server" && fw.applyTo.some((x) => x.type === "label_selector" && serversOf(p, x).includes(a.server));
    if (viaSelector) throw opError(422, "firewall_managed_by_label_selector", `firewall ${fw.id} is applied to server ${a.type === "server" ? a.server : ""} by a label selector`);
    throw opError(404, "firewall_resource_not_found", `firewall ${fw.id} is not applied to this resource`);
  }
  const actions = entries.map((a) => targetAction(p, fw, "remove_firewall", a));
  fw.applyTo = fw.applyTo.filter((x) => !entries.some((a) => sameTarget(x, a)));
  return { status: 201, body: { actions: actions.map((a) => p.renderAction(a)) } };
}

const path = (cmd: string) => `/firewalls/{id}/actions/${cmd}`;

export const firewallRoutes: Route[] = [
  {
    method: "GET",
    path: "/firewalls",
    handler: (ctx) =>
      listReply(ctx, "firewalls", filterCommon(ctx, ctx.project.data.firewalls, { name: (f) => f.name, labels: (f) => f.labels }), {
        sort: { name: (f) => f.name, created: (f) => f.created },
        render: (f) => renderFirewall(ctx.project, f),
      }),
  },
  { method: "POST", path: "/firewalls", handler: create },
  { method: "GET", path: "/firewalls/{id}", handler: (ctx) => ({ status: 200, body: { firewall: renderFirewall(ctx.project, firewall(ctx.project, pathId(ctx, "firewall"))) } }) },
  { method: "PUT", path: "/firewalls/{id}", handler: update },
  { method: "DELETE", path: "/firewalls/{id}", handler: remove },
  { method: "POST", path: path("set_rules"), handler: setRules },
  { method: "POST", path: path("apply_to_resources"), handler: applyToResources },
  { method: "POST", path: path("remove_from_resources"), handler: removeFromResources },
];
