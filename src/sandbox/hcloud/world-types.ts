// The emulated project as stored in `<dir>/hcloud.json`. Records hold what the API needs to answer;
// derived views (a network's server list, a firewall's resolved label-selector targets) are computed
// when rendering so they can never drift from the records.
import type { Labels } from "./labels.js";

export type ServerStatus = "running" | "initializing" | "starting" | "stopping" | "off" | "deleting" | "rebuilding";

/** What a server's disk (or a snapshot) holds: written by the rescue system, or the image it booted from. */
export interface DiskRecord {
  source: string;
  bytes: number;
  sha256: string;
  writtenAt: string;
}

export interface Protection {
  delete: boolean;
}

export interface SshKeyRec {
  id: number;
  name: string;
  fingerprint: string;
  public_key: string;
  labels: Labels;
  created: string;
}

export interface RescueRec {
  keys: string[];
  enabledAt: number;
}

export interface PrivateNetRec {
  network: number;
  ip: string;
  alias_ips: string[];
  mac_address: string;
}

export interface ServerRec {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  serverType: string;
  location: string;
  image: number | null;
  labels: Labels;
  userData: string | null;
  privateNet: PrivateNetRec[];
  placementGroup: number | null;
  ipv4: number | null;
  ipv6: number | null;
  sshKeys: number[];
  rescue: RescueRec | null;
  inRescue: { keys: string[]; bootedAt: number } | null;
  protection: { delete: boolean; rebuild: boolean };
  disk: DiskRecord | null;
}

export interface ImageRec {
  id: number;
  type: "snapshot" | "backup";
  status: "available" | "creating";
  description: string;
  imageSize: number | null;
  diskSize: number;
  created: string;
  createdFrom: { id: number; name: string };
  boundTo: number | null;
  labels: Labels;
  protection: Protection;
  architecture: "x86" | "arm";
  osFlavor: string;
  osVersion: string | null;
  disk: DiskRecord | null;
}

export interface FirewallRule {
  direction: "in" | "out";
  protocol: "tcp" | "udp" | "icmp" | "esp" | "gre";
  port: string | null;
  source_ips: string[];
  destination_ips: string[];
  description: string | null;
}

export type ApplyTo = { type: "server"; server: number } | { type: "label_selector"; selector: string };

export interface FirewallRec {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  rules: FirewallRule[];
  applyTo: ApplyTo[];
}

export interface SubnetRec {
  type: "cloud" | "server" | "vswitch";
  ip_range: string;
  network_zone: string;
  vswitch_id: number | null;
}

export interface NetworkRec {
  id: number;
  name: string;
  ipRange: string;
  subnets: SubnetRec[];
  routes: { destination: string; gateway: string }[];
  labels: Labels;
  protection: Protection;
  created: string;
  exposeRoutesToVswitch: boolean;
}

export interface HealthCheckRec {
  protocol: "tcp" | "http";
  port: number;
  interval: number;
  timeout: number;
  retries: number;
  http: { domain: string | null; path: string; response: string; status_codes: string[]; tls: boolean } | null;
}

export interface ServiceRec {
  protocol: "tcp" | "http" | "https";
  listen_port: number;
  destination_port: number;
  proxyprotocol: boolean;
  health_check: HealthCheckRec;
  http: {
    cookie_name: string;
    cookie_lifetime: number;
    timeout_idle: number;
    certificates: number[];
    redirect_http: boolean;
    sticky_sessions: boolean;
  } | null;
}

export type TargetRec =
  | { type: "server"; server: number; usePrivateIp: boolean }
  | { type: "label_selector"; selector: string; usePrivateIp: boolean }
  | { type: "ip"; ip: string };

export interface LoadBalancerRec {
  id: number;
  name: string;
  type: string;
  location: string;
  algorithm: "round_robin" | "least_connections";
  services: ServiceRec[];
  targets: TargetRec[];
  labels: Labels;
  protection: Protection;
  created: string;
  publicEnabled: boolean;
  ipv4: string;
  ipv6: string;
  privateNet: { network: number; ip: string }[];
}

export interface PlacementGroupRec {
  id: number;
  name: string;
  labels: Labels;
  type: "spread";
  created: string;
}

export interface VolumeRec {
  id: number;
  name: string;
  size: number;
  location: string;
  server: number | null;
  labels: Labels;
  created: string;
  format: string | null;
  status: "available" | "creating";
  protection: Protection;
}

export interface PrimaryIpRec {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  type: "ipv4" | "ipv6";
  ip: string;
  location: string;
  assignee: number | null;
  autoDelete: boolean;
  protection: Protection;
}

/** What happens to the world when an action finishes; data, so running actions survive a restart. */
export type Effect =
  | { kind: "server_status"; server: number; status: ServerStatus; boot?: boolean }
  | { kind: "image_ready"; image: number }
  | { kind: "volume_ready"; volume: number };

export interface ActionRec {
  id: number;
  command: string;
  status: "running" | "success" | "error";
  started: number;
  durationMs: number;
  finished: number | null;
  resources: { id: number; type: string }[];
  error: { code: string; message: string } | null;
  effects: Effect[];
  /** Resources ("server:12") that answer 423 locked to other mutations while this runs. */
  locks: string[];
}

export interface WorldData {
  version: 1;
  nextId: number;
  nextActionId: number;
  nextIp: number;
  sshKeys: SshKeyRec[];
  servers: ServerRec[];
  images: ImageRec[];
  firewalls: FirewallRec[];
  networks: NetworkRec[];
  loadBalancers: LoadBalancerRec[];
  placementGroups: PlacementGroupRec[];
  volumes: VolumeRec[];
  primaryIps: PrimaryIpRec[];
  actions: ActionRec[];
}

export function emptyWorld(): WorldData {
  return {
    version: 1,
    nextId: 1000001,
    nextActionId: 5000001,
    nextIp: 0,
    sshKeys: [],
    servers: [],
    images: [],
    firewalls: [],
    networks: [],
    loadBalancers: [],
    placementGroups: [],
    volumes: [],
    primaryIps: [],
    actions: [],
  };
}
