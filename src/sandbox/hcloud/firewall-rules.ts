// Firewall rule and apply_to validation, and the firewall object as the API renders it.
import { invalidInput } from "./errors.js";
import { asObject } from "./input.js";
import { parseCidr } from "./ip.js";
import { parseSelector } from "./labels.js";
import type { Project } from "./project.js";
import { serversMatching } from "./resolve.js";
import type { ApplyTo, FirewallRec, FirewallRule } from "./world-types.js";

const PROTOCOLS = ["tcp", "udp", "icmp", "esp", "gre"] as const;
const MAX_RULES = 50;
const MAX_IPS = 100;

function validCidr(text: string): boolean {
  if (text.includes(":")) return /^[0-9a-fA-F:]+\/\d{1,3}$/.test(text) && Number(text.split("/")[1]) <= 128;
  return parseCidr(text) !== undefined;
}

/** "80", "1024-5000", or "any" (all ports: the spec's pattern-less string allows it, Hetzner's Terraform provider documents it). */
function validPort(port: string): boolean {
  if (port === "any") return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(port);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi;
}

function ipList(rule: Record<string, unknown>, key: string, field: string): string[] {
  const v = rule[key] ?? [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !validCidr(x))) throw invalidInput({ [field]: ["must be a list of CIDRs"] });
  if (v.length > MAX_IPS) throw invalidInput({ [field]: [`at most ${MAX_IPS} entries`] });
  return v as string[];
}

export function parseRules(value: unknown): FirewallRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput({ rules: ["must be an array"] });
  if (value.length > MAX_RULES) throw invalidInput({ rules: [`at most ${MAX_RULES} rules`] });
  return value.map((raw, i) => {
    const r = asObject(raw, `rules[${i}]`);
    const direction = r.direction;
    const protocol = r.protocol;
    if (direction !== "in" && direction !== "out") throw invalidInput({ [`rules[${i}].direction`]: ["must be in or out"] });
    if (!PROTOCOLS.includes(protocol as (typeof PROTOCOLS)[number])) throw invalidInput({ [`rules[${i}].protocol`]: ["is invalid"] });
    const proto = protocol as FirewallRule["protocol"];
    const port = r.port === undefined || r.port === null || r.port === "" ? null : String(r.port);
    if ((proto === "tcp" || proto === "udp") && (port === null || !validPort(port))) throw invalidInput({ [`rules[${i}].port`]: ["is required for tcp and udp: a port, a range like 1024-5000, or any"] });
    if (proto !== "tcp" && proto !== "udp" && port !== null) throw invalidInput({ [`rules[${i}].port`]: ["is only allowed for tcp and udp"] });
    const source = direction === "in" ? ipList(r, "source_ips", `rules[${i}].source_ips`) : [];
    const dest = direction === "out" ? ipList(r, "destination_ips", `rules[${i}].destination_ips`) : [];
    if (direction === "in" && source.length === 0) throw invalidInput({ [`rules[${i}].source_ips`]: ["is required for incoming rules"] });
    if (direction === "out" && dest.length === 0) throw invalidInput({ [`rules[${i}].destination_ips`]: ["is required for outgoing rules"] });
    const description = typeof r.description === "string" ? r.description : null;
    if (description !== null && description.length > 255) throw invalidInput({ [`rules[${i}].description`]: ["is too long (maximum 255)"] });
    return { direction, protocol: proto, port, source_ips: source, destination_ips: dest, description };
  });
}

export function parseApplyTo(value: unknown, field: string): ApplyTo[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput({ [field]: ["must be an array"] });
  return value.map((raw, i) => {
    const a = asObject(raw, `${field}[${i}]`);
    if (a.type === "server") {
      const id = (a.server as { id?: unknown } | undefined)?.id;
      if (typeof id !== "number") throw invalidInput({ [`${field}[${i}].server.id`]: ["is required"] });
      return { type: "server", server: id };
    }
    if (a.type === "label_selector") {
      const selector = (a.label_selector as { selector?: unknown } | undefined)?.selector;
      if (typeof selector !== "string" || selector === "") throw invalidInput({ [`${field}[${i}].label_selector.selector`]: ["is required"] });
      parseSelector(selector, `${field}[${i}].label_selector.selector`);
      return { type: "label_selector", selector };
    }
    throw invalidInput({ [`${field}[${i}].type`]: ["must be server or label_selector"] });
  });
}

export function sameTarget(a: ApplyTo, b: ApplyTo): boolean {
  return a.type === "server" ? b.type === "server" && a.server === b.server : b.type === "label_selector" && a.selector === b.selector;
}

export function renderFirewall(p: Project, fw: FirewallRec): Record<string, unknown> {
  return {
    id: fw.id,
    name: fw.name,
    labels: fw.labels,
    created: fw.created,
    rules: fw.rules.map((r) => ({ ...r })),
    applied_to: fw.applyTo.map((a) =>
      a.type === "server"
        ? { type: "server", server: { id: a.server } }
        : {
            type: "label_selector",
            label_selector: { selector: a.selector },
            applied_to_resources: serversMatching(p, a.selector).map((s) => ({ type: "server", server: { id: s.id } })),
          },
    ),
  };
}
