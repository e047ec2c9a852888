// Server and load balancer types with 2026-plausible EUR prices. The deprecated cx22 family is
// gone (cx23/cx33/cx43/cx53 replaced it), so a config still naming cx22 fails like it would for real.
import { LOCATIONS } from "./catalog.js";
import { pricesFor, renderPrice } from "./prices.js";

const EU = ["fsn1", "nbg1", "hel1"];
const ALL = LOCATIONS.map((l) => l.name);

export interface ServerTypeDef {
  id: number;
  name: string;
  cores: number;
  memory: number;
  disk: number;
  cpuType: "shared" | "dedicated";
  architecture: "x86" | "arm";
  category: string;
  euMonthly: string;
  locations: readonly string[];
}

function st(id: number, name: string, cores: number, memory: number, disk: number, euMonthly: string, cpuType: "shared" | "dedicated", architecture: "x86" | "arm", category: string, locations: readonly string[]): ServerTypeDef {
  return { id, name, cores, memory, disk, euMonthly, cpuType, architecture, category, locations };
}

export const SERVER_TYPES: readonly ServerTypeDef[] = [
  st(45, "cax11", 2, 4, 40, "3.79", "shared", "arm", "cost_optimized", EU),
  st(93, "cax21", 4, 8, 80, "6.49", "shared", "arm", "cost_optimized", EU),
  st(94, "cax31", 8, 16, 160, "12.49", "shared", "arm", "cost_optimized", EU),
  st(95, "cax41", 16, 32, 320, "24.49", "shared", "arm", "cost_optimized", EU),
  st(96, "ccx13", 2, 8, 80, "12.49", "dedicated", "x86", "general_purpose", ALL),
  st(97, "ccx23", 4, 16, 160, "24.49", "dedicated", "x86", "general_purpose", ALL),
  st(98, "ccx33", 8, 32, 240, "48.49", "dedicated", "x86", "general_purpose", ALL),
  st(108, "cpx12", 1, 2, 40, "5.49", "shared", "x86", "regular_purpose", ALL),
  st(109, "cpx22", 2, 4, 80, "8.49", "shared", "x86", "regular_purpose", ALL),
  st(110, "cpx32", 4, 8, 160, "13.99", "shared", "x86", "regular_purpose", ALL),
  st(111, "cpx42", 8, 16, 320, "25.49", "shared", "x86", "regular_purpose", ALL),
  st(114, "cx23", 2, 4, 40, "3.49", "shared", "x86", "cost_optimized", EU),
  st(115, "cx33", 4, 8, 80, "5.49", "shared", "x86", "cost_optimized", EU),
  st(116, "cx43", 8, 16, 160, "9.49", "shared", "x86", "cost_optimized", EU),
  st(117, "cx53", 16, 32, 320, "17.49", "shared", "x86", "cost_optimized", EU),
];

export function serverTypeByName(name: string): ServerTypeDef | undefined {
  return SERVER_TYPES.find((t) => t.name === name);
}

export function renderServerType(t: ServerTypeDef): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    description: t.name.toUpperCase(),
    cores: t.cores,
    memory: t.memory,
    disk: t.disk,
    deprecated: false,
    deprecation: null,
    prices: pricesFor(t.euMonthly, t.locations).map(renderPrice),
    storage_type: "local",
    cpu_type: t.cpuType,
    category: t.category,
    architecture: t.architecture,
    locations: t.locations.map((name) => {
      const loc = LOCATIONS.find((l) => l.name === name);
      return { id: loc?.id ?? 0, name, deprecation: null, recommended: true, available: true };
    }),
  };
}

export interface LbTypeDef {
  id: number;
  name: string;
  maxConnections: number;
  maxServices: number;
  maxTargets: number;
  maxCertificates: number;
  euMonthly: string;
}

export const LB_TYPES: readonly LbTypeDef[] = [
  { id: 1, name: "lb11", maxConnections: 10000, maxServices: 5, maxTargets: 25, maxCertificates: 10, euMonthly: "5.39" },
  { id: 2, name: "lb21", maxConnections: 20000, maxServices: 15, maxTargets: 75, maxCertificates: 25, euMonthly: "16.40" },
  { id: 3, name: "lb31", maxConnections: 40000, maxServices: 30, maxTargets: 150, maxCertificates: 50, euMonthly: "32.90" },
];

export function lbTypeByName(name: string): LbTypeDef | undefined {
  return LB_TYPES.find((t) => t.name === name);
}

export function renderLbType(t: LbTypeDef): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    description: t.name.toUpperCase(),
    max_connections: t.maxConnections,
    max_services: t.maxServices,
    max_targets: t.maxTargets,
    max_assigned_certificates: t.maxCertificates,
    deprecated: null,
    deprecation: null,
    prices: pricesFor(t.euMonthly, ALL).map(renderPrice),
  };
}
