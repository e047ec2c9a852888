// Server actions. Each one refuses with 423 locked while another action runs on the server; power
// actions change status when they finish, and a boot with rescue enabled lands in the rescue system.
import { invalidInput, opError } from "./errors.js";
import { placementGroup, server } from "./finders.js";
import { byIdOrName, idOrName, optArray, optBool, optString, pathId, reqId } from "./input.js";
import { allocatePrivateIp, macFor, network } from "./network-attach.js";
import type { Project } from "./project.js";
import { serversInPlacementGroup } from "./resolve.js";
import type { Ctx, Reply, Route } from "./router.js";
import { SPREAD_GROUP_MAX } from "./server-create.js";
import type { Effect, ServerRec, ServerStatus } from "./world-types.js";

/** Looks up the server of the path and checks it is free for a new action. */
export function lockedServer(ctx: Ctx): ServerRec {
  const s = server(ctx.project, pathId(ctx, "server"));
  ctx.project.assertUnlocked(`server:${s.id}`, `server ${s.id}`);
  return s;
}

function act(p: Project, s: ServerRec, command: string, effects: Effect[], extra: { id: number; type: string }[] = []): Reply {
  const action = p.startAction(command, [{ id: s.id, type: "server" }, ...extra], { effects, locks: [`server:${s.id}`] });
  return { status: 201, body: { action: p.renderAction(action) } };
}

/** A power action: status moves to `during` now and to `after` when the action finishes. */
function power(command: string, during: ServerStatus | undefined, after: ServerStatus, boot: boolean): (ctx: Ctx) => Reply {
  return (ctx) => {
    const s = lockedServer(ctx);
    if (during) s.status = during;
    return act(ctx.project, s, command, [{ kind: "server_status", server: s.id, status: after, boot }]);
  };
}

function enableRescue(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = lockedServer(ctx);
  const type = optString(ctx.body, "type") ?? "linux64";
  if (type !== "linux64") throw invalidInput({ type: ["must be linux64"] });
  const keys = (optArray(ctx.body, "ssh_keys") ?? []).map((v) => {
    const ref = idOrName(v, "ssh_keys");
    const key = byIdOrName(p.data.sshKeys, ref);
    if (!key) throw invalidInput({ ssh_keys: [`SSH key ${String(ref)} not found`] });
    return key.public_key;
  });
  s.rescue = { keys, enabledAt: p.now() };
  const reply = act(p, s, "enable_rescue", []);
  return { status: 201, body: { root_password: p.password(), ...(reply.body as object) } };
}

function attachToNetwork(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = lockedServer(ctx);
  const n = network(p, reqId(ctx.body, "network"));
  if (s.privateNet.some((x) => x.network === n.id)) throw opError(422, "server_already_attached", `server ${s.id} is already attached to network ${n.id}`);
  const ip = allocatePrivateIp(p, n, s.location, { ip: optString(ctx.body, "ip"), ipRange: optString(ctx.body, "ip_range") });
  const aliasIps = (optArray(ctx.body, "alias_ips") ?? []).map(String);
  s.privateNet.push({ network: n.id, ip, alias_ips: aliasIps, mac_address: macFor(s.id, n.id) });
  return act(p, s, "attach_to_network", [], [{ id: n.id, type: "network" }]);
}

function detachFromNetwork(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = lockedServer(ctx);
  const n = network(p, reqId(ctx.body, "network"));
  if (!s.privateNet.some((x) => x.network === n.id)) throw opError(422, "server_not_attached", `server ${s.id} is not attached to network ${n.id}`);
  s.privateNet = s.privateNet.filter((x) => x.network !== n.id);
  return act(p, s, "detach_from_network", [], [{ id: n.id, type: "network" }]);
}

function addToPlacementGroup(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = lockedServer(ctx);
  const g = placementGroup(p, reqId(ctx.body, "placement_group"));
  if (s.status !== "off") throw opError(422, "server_not_stopped", "the action requires a stopped server");
  if (s.placementGroup !== null) throw opError(422, "already_in_placement_group", `server ${s.id} is already in a placement group`);
  if (serversInPlacementGroup(p, g.id).length >= SPREAD_GROUP_MAX) throw opError(422, "placement_error", "the placement group is full");
  s.placementGroup = g.id;
  return act(p, s, "add_to_placement_group", [], [{ id: g.id, type: "placement_group" }]);
}

function removeFromPlacementGroup(ctx: Ctx): Reply {
  const s = lockedServer(ctx);
  if (s.placementGroup === null) throw opError(422, "not_in_placement_group", `server ${s.id} is not in a placement group`);
  s.placementGroup = null;
  return act(ctx.project, s, "remove_from_placement_group", []);
}

function changeProtection(ctx: Ctx): Reply {
  const s = lockedServer(ctx);
  const del = optBool(ctx.body, "delete");
  const rebuild = optBool(ctx.body, "rebuild");
  const next = { delete: del ?? s.protection.delete, rebuild: rebuild ?? s.protection.rebuild };
  // Checked before anything changes: a refused request leaves the flags as they were.
  if (next.rebuild && !next.delete) throw invalidInput({ rebuild: ["rebuild protection requires delete protection"] });
  s.protection = next;
  return act(ctx.project, s, "change_protection", []);
}

function disableRescue(ctx: Ctx): Reply {
  const s = lockedServer(ctx);
  s.rescue = null;
  return act(ctx.project, s, "disable_rescue", []);
}

const path = (cmd: string) => `/servers/{id}/actions/${cmd}`;

export const serverActionRoutes: Route[] = [
  { method: "POST", path: path("poweron"), handler: power("start_server", "starting", "running", true) },
  { method: "POST", path: path("poweroff"), handler: power("stop_server", "stopping", "off", false) },
  { method: "POST", path: path("shutdown"), handler: power("shutdown_server", "stopping", "off", false) },
  { method: "POST", path: path("reboot"), handler: power("reboot_server", undefined, "running", true) },
  { method: "POST", path: path("reset"), handler: power("reset_server", undefined, "running", true) },
  { method: "POST", path: path("enable_rescue"), handler: enableRescue },
  { method: "POST", path: path("disable_rescue"), handler: disableRescue },
  { method: "POST", path: path("attach_to_network"), handler: attachToNetwork },
  { method: "POST", path: path("detach_from_network"), handler: detachFromNetwork },
  { method: "POST", path: path("add_to_placement_group"), handler: addToPlacementGroup },
  { method: "POST", path: path("remove_from_placement_group"), handler: removeFromPlacementGroup },
  { method: "POST", path: path("change_protection"), handler: changeProtection },
];
