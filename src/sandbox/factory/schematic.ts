// Talos Image Factory schematics: parsed strictly from YAML or JSON, re-marshalled the way the real
// factory does (Go yaml.v3, 4-space indent), and identified by the SHA-256 of that text; so the
// default schematic is 376567…b4ba and qemu-guest-agent alone is ce4c98…7515, as on factory.talos.dev.
import { createHash } from "node:crypto";
import { parse } from "yaml";

/** Official extensions the sandbox factory knows; anything else is a 400 like an unknown one for real. */
export const OFFICIAL_EXTENSIONS: readonly string[] = [
  "siderolabs/qemu-guest-agent",
  "siderolabs/iscsi-tools",
  "siderolabs/util-linux-tools",
  "siderolabs/amd-ucode",
  "siderolabs/intel-ucode",
  "siderolabs/gvisor",
  "siderolabs/tailscale",
  "siderolabs/drbd",
  "siderolabs/zfs",
  "siderolabs/nfsd",
];

export interface Schematic {
  extraKernelArgs: string[];
  officialExtensions: string[];
}

export class SchematicError extends Error {
  override readonly name = "SchematicError";
}

function keysOnly(v: unknown, allowed: string[], where: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) throw new SchematicError(`${where}: expected a mapping`);
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new SchematicError(`${where}: field ${k} not found or not supported by the sandbox factory`);
  return v as Record<string, unknown>;
}

function strings(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new SchematicError(`${where}: expected a list of strings`);
  return v as string[];
}

export function parseSchematic(text: string): Schematic {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SchematicError(`error unmarshaling schematic: ${(err as Error).message}`);
  }
  const top = keysOnly(doc, ["customization"], "schematic");
  const custom = keysOnly(top.customization, ["extraKernelArgs", "systemExtensions"], "customization");
  const ext = keysOnly(custom.systemExtensions, ["officialExtensions"], "customization.systemExtensions");
  const officialExtensions = strings(ext.officialExtensions, "officialExtensions");
  for (const e of officialExtensions) {
    if (!OFFICIAL_EXTENSIONS.includes(e)) throw new SchematicError(`error validating schematic: system extension "${e}" is not available`);
  }
  return { extraKernelArgs: strings(custom.extraKernelArgs, "extraKernelArgs"), officialExtensions };
}

function scalar(s: string): string {
  return /^[A-Za-z0-9_./=:,+-]+$/.test(s) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+)$/i.test(s) ? s : JSON.stringify(s);
}

/** The schematic as yaml.v3 marshals it: empty parts omitted, `customization` always present. */
export function canonicalYaml(s: Schematic): string {
  const lines: string[] = [];
  if (s.extraKernelArgs.length > 0) lines.push("    extraKernelArgs:", ...s.extraKernelArgs.map((a) => `        - ${scalar(a)}`));
  if (s.officialExtensions.length > 0) {
    lines.push("    systemExtensions:", "        officialExtensions:", ...s.officialExtensions.map((e) => `            - ${scalar(e)}`));
  }
  return lines.length === 0 ? "customization: {}\n" : `customization:\n${lines.join("\n")}\n`;
}

export function schematicId(s: Schematic): string {
  return createHash("sha256").update(canonicalYaml(s)).digest("hex");
}
