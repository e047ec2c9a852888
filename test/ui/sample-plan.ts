// A plan with one of everything the plan view shows: every action, drift, a recovered operation,
// unknowns, a redacted secret, a multi-line YAML change, nested values, costs, a forced replacement.
import type { Plan } from "../../src/engine/plan.js";

const machineConfigBefore = `machine:
  type: controlplane
  install:
    image: ghcr.io/siderolabs/installer:v1.9.5
    disk: /dev/sda
  kubelet:
    extraArgs:
      rotate-server-certificates: "true"
cluster:
  name: k8s
`;
const machineConfigAfter = machineConfigBefore.replace("v1.9.5", "v1.10.3").replace("cluster:\n", "cluster:\n  allowSchedulingOnControlPlanes: false\n");

export function samplePlan(): Plan {
  return {
    format: 1,
    mode: "apply",
    createdAt: "2025-01-01T00:00:00.000Z",
    state: { lineage: "lin-1", serial: 7 },
    configDigest: "abc",
    drift: [
      { address: "hcloud_firewall.cluster", kind: "changed", changes: [{ path: "rules.0.port", before: "50000", after: "50001", forcesReplacement: false }] },
      { address: "hcloud_server.worker-1", kind: "deleted", changes: [] },
    ],
    recovered: ["interrupted create of hcloud_network.cluster (started 2025-01-01T00:00:00Z by pid 42): found the object it made (id 77); adopted into the state"],
    entries: [
      {
        address: "hcloud_network.cluster",
        type: "hcloud_network",
        action: "create",
        after: { name: "k8s", ip_range: "10.0.0.0/16", labels: { "hk/stack": "k8s" }, subnets: [{ type: "cloud", network_zone: "eu-central", ip_range: "10.0.1.0/24" }] },
        changes: [],
        dependencies: [],
      },
      {
        address: "hcloud_server.cp-1",
        type: "hcloud_server",
        action: "create",
        after: { name: "k8s-cp-1", server_type: "cx33", network_id: { $unknown: "hcloud_network.cluster.id" }, user_data: "(sensitive)", empty: [] },
        changes: [],
        dependencies: ["hcloud_network.cluster"],
      },
      {
        address: "hcloud_server.bootstrap",
        type: "hcloud_server",
        action: "create",
        reason: "temporary: created for this run, deleted after",
        temporary: true,
        after: { name: "k8s-bootstrap", token: { $unknown: "during apply, from temporary talos_secrets.boot.token" } },
        changes: [],
        dependencies: [],
      },
      {
        address: "hcloud_firewall.cluster",
        type: "hcloud_firewall",
        action: "update",
        id: "123",
        protect: true,
        before: {},
        changes: [
          { path: "rules.0.port", before: "50001", after: "50000", forcesReplacement: false },
          { path: "labels.owner", before: undefined, after: "hk", forcesReplacement: false },
          { path: "rules.2", before: undefined, after: { direction: "in", port: "6443", source_ips: ["0.0.0.0/0", "::/0"] }, forcesReplacement: false },
          { path: "api_token", before: "(sensitive)", after: "(sensitive)", forcesReplacement: false },
        ],
        dependencies: [],
      },
      {
        address: "talos_machine_config.cp-1",
        type: "talos_machine_config",
        action: "replace",
        reason: "forces replacement: talosVersion",
        replaceOrder: "create-before-destroy",
        id: "cfg-1",
        changes: [
          { path: "talosVersion", before: "v1.9.5", after: "v1.10.3", forcesReplacement: true },
          { path: "machineConfig", before: machineConfigBefore, after: machineConfigAfter, forcesReplacement: false },
        ],
        dependencies: [],
      },
      {
        address: "hcloud_server.cp-2",
        type: "hcloud_server",
        action: "replace",
        reason: "forces replacement: image",
        replaceOrder: "destroy-before-create",
        id: "456",
        changes: [
          { path: "image", before: "talos-1.9", after: "talos-1.10", forcesReplacement: true },
          { path: "ipv4", before: "1.2.3.4", after: { $unknown: "hcloud_server.cp-2.ipv4" }, forcesReplacement: false },
        ],
        dependencies: [],
      },
      {
        address: "hcloud_server.old",
        type: "hcloud_server",
        action: "delete",
        reason: "removed from config",
        id: "789",
        before: { name: "k8s-old", server_type: "cx22", labels: { "hk/stack": "k8s", role: "worker" } },
        changes: [],
        dependencies: [],
      },
      { address: "hcloud_server.cp-3", type: "hcloud_server", action: "delete", reason: "deposed by a create-before-destroy replacement", deposed: true, id: "555", before: { name: "k8s-cp-3" }, changes: [], dependencies: [] },
      { address: "hcloud_ssh_key.admin", type: "hcloud_ssh_key", action: "read", reason: "adopt existing object 42", adopt: true, id: "42", changes: [], dependencies: [] },
      { address: "hcloud_placement_group.cp", type: "hcloud_placement_group", action: "noop", id: "9", changes: [], dependencies: [] },
      { address: "hcloud_primary_ip.cp-1", type: "hcloud_primary_ip", action: "noop", id: "10", changes: [], dependencies: [] },
    ],
    costs: [
      { subject: "hcloud_server.cp-1", sign: 1, monthly: 12.49, currency: "EUR", what: "cx33 in nbg1" },
      { subject: "CAPH", sign: 1, monthly: 5.54, currency: "EUR", what: "load balancer lb11 for the API" },
      { subject: "hcloud_server.old", sign: -1, monthly: 0.54, currency: "EUR", what: "primary IPv4" },
    ],
    summary: { add: 4, change: 1, destroy: 5 },
    options: { targets: [], replace: [], refresh: true },
  };
}

/** A plan in which nothing changes, with drift that needs no action. */
export function quietPlan(): Plan {
  const p = samplePlan();
  return { ...p, entries: p.entries.filter((e) => e.action === "noop"), recovered: [], costs: [], summary: { add: 0, change: 0, destroy: 0 }, drift: p.drift.slice(0, 1) };
}
