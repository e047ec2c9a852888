// Primary IP actions. Assigning and unassigning need the server powered off, as the API requires;
// delete protection cannot go on an IP that is deleted with its server (auto_delete).
import { invalidInput, opError } from "./errors.js";
import { optString, pathId, reqBool, reqId } from "./input.js";
import { assignTo, checkAssignable, primaryIp } from "./primary-ips.js";
import type { Ctx, Reply, Route } from "./router.js";
import { changeDeleteProtection } from "./protection.js";

function assign(ctx: Ctx): Reply {
  const p = ctx.project;
  const rec = primaryIp(p, pathId(ctx, "primary IP"));
  if (optString(ctx.body, "assignee_type") !== "server") throw invalidInput({ assignee_type: ["must be server"] });
  const id = reqId(ctx.body, "assignee_id");
  const server = p.data.servers.find((s) => s.id === id);
  if (!server) throw invalidInput({ assignee_id: ["server not found"] });
  if (rec.assignee !== null && rec.assignee !== server.id) throw opError(422, "primary_ip_already_assigned", `primary IP ${rec.id} is assigned to server ${rec.assignee}`);
  if (server.location !== rec.location) throw invalidInput({ assignee_id: [`server is in ${server.location}, the primary IP in ${rec.location}`] });
  checkAssignable(server, rec.type);
  assignTo(rec, server);
  const action = p.startAction("assign_primary_ip", [{ id: server.id, type: "server" }, { id: rec.id, type: "primary_ip" }]);
  return { status: 201, body: { action: p.renderAction(action) } };
}

function unassign(ctx: Ctx): Reply {
  const p = ctx.project;
  const rec = primaryIp(p, pathId(ctx, "primary IP"));
  if (rec.assignee === null) throw opError(422, "primary_ip_not_assigned", "the primary IP is not assigned");
  const server = p.data.servers.find((s) => s.id === rec.assignee);
  if (server && server.status !== "off") throw opError(422, "server_not_stopped", "the server must be powered off to unassign its primary IP");
  if (server) server[rec.type] = null;
  rec.assignee = null;
  const action = p.startAction("unassign_primary_ip", [{ id: rec.id, type: "primary_ip" }, ...(server ? [{ id: server.id, type: "server" }] : [])]);
  return { status: 201, body: { action: p.renderAction(action) } };
}

/** `delete` is required here (the volume's is not), as the spec's request schemas have it. */
function changeProtection(ctx: Ctx): Reply {
  const p = ctx.project;
  const rec = primaryIp(p, pathId(ctx, "primary IP"));
  const del = reqBool(ctx.body, "delete");
  if (del && rec.autoDelete) throw invalidInput({ delete: ["cannot be enabled while auto_delete is true"] });
  return changeDeleteProtection(p, rec, "primary_ip", del);
}

const path = (cmd: string) => `/primary_ips/{id}/actions/${cmd}`;

export const primaryIpActionRoutes: Route[] = [
  { method: "POST", path: path("assign"), handler: assign },
  { method: "POST", path: path("unassign"), handler: unassign },
  { method: "POST", path: path("change_protection"), handler: changeProtection },
];
