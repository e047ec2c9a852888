// The server object as clients read it: the spec's fields plus what the Debian clients still need
// (legacy `datacenter`, public_net.ipv4.id, floating_ips, firewalls with status).
import { datacenterOf, locationByName, renderLocation } from "./catalog.js";
import { findImage, renderImage } from "./images.js";
import type { Project } from "./project.js";
import { firewallsOfServer, loadBalancersOfServer, serversInPlacementGroup } from "./resolve.js";
import { trafficTerms } from "./prices.js";
import { renderServerType, SERVER_TYPES, serverTypeByName } from "./types-catalog.js";
import type { PlacementGroupRec, ServerRec } from "./world-types.js";

export function renderDatacenter(name: string): Record<string, unknown> {
  const dc = datacenterOf(name);
  const loc = locationByName(dc.location);
  const here = SERVER_TYPES.filter((t) => t.locations.includes(dc.location)).map((t) => t.id);
  return {
    id: dc.id,
    name: dc.name,
    description: dc.description,
    location: loc ? renderLocation(loc) : null,
    server_types: { supported: here, available: here, available_for_migration: here },
  };
}

export function renderPlacementGroup(p: Project, g: PlacementGroupRec): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    labels: g.labels,
    type: g.type,
    created: g.created,
    servers: serversInPlacementGroup(p, g.id).map((s) => s.id),
  };
}

function reverseDns(ip: string): string {
  return `static.${ip.split(".").reverse().join(".")}.clients.your-server.de`;
}

export function renderServer(p: Project, s: ServerRec): Record<string, unknown> {
  const type = serverTypeByName(s.serverType);
  const loc = locationByName(s.location);
  const v4 = s.ipv4 === null ? undefined : p.data.primaryIps.find((ip) => ip.id === s.ipv4);
  const v6 = s.ipv6 === null ? undefined : p.data.primaryIps.find((ip) => ip.id === s.ipv6);
  const image = s.image === null ? undefined : findImage(p, s.image);
  const group = s.placementGroup === null ? undefined : p.data.placementGroups.find((g) => g.id === s.placementGroup);
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    created: s.created,
    public_net: {
      ipv4: v4 ? { id: v4.id, ip: v4.ip, blocked: false, dns_ptr: reverseDns(v4.ip) } : null,
      ipv6: v6 ? { id: v6.id, ip: v6.ip, blocked: false, dns_ptr: [] } : null,
      floating_ips: [],
      firewalls: firewallsOfServer(p, s),
    },
    private_net: s.privateNet.map((n) => ({ network: n.network, ip: n.ip, alias_ips: n.alias_ips, mac_address: n.mac_address })),
    server_type: type ? renderServerType(type) : null,
    datacenter: renderDatacenter(s.location),
    location: loc ? renderLocation(loc) : null,
    image: image ? renderImage(image) : null,
    iso: null,
    rescue_enabled: s.rescue !== null,
    locked: p.isLocked(`server:${s.id}`),
    backup_window: null,
    outgoing_traffic: 0,
    ingoing_traffic: 0,
    included_traffic: trafficTerms(s.location).includedTraffic,
    protection: s.protection,
    labels: s.labels,
    volumes: p.data.volumes.filter((v) => v.server === s.id).map((v) => v.id),
    load_balancers: loadBalancersOfServer(p, s),
    primary_disk_size: type?.disk ?? 0,
    placement_group: group ? renderPlacementGroup(p, group) : null,
  };
}
