// The real hcloud CLI (Debian 1.30.3) against the emulator: SSH keys, networks, firewalls and the
// errors it must report. Every answer the CLI received is checked against Hetzner's response schemas.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBKEY, PUBKEY2, useCliSession } from "./cli-session.js";

const { cli, ok, json, session: current } = useCliSession();

describe("hcloud CLI: keys, networks, firewalls, errors", () => {
  it("manages SSH keys and reports not-found and uniqueness errors", async () => {
    await ok("ssh-key", "create", "--name", "key1", "--public-key", PUBKEY, "--label", "env=test");
    const dup = await cli("ssh-key", "create", "--name", "key1", "--public-key", PUBKEY2);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain("uniqueness_error");
    const dupKey = await cli("ssh-key", "create", "--name", "key-other", "--public-key", PUBKEY);
    expect(dupKey.stderr).toContain("uniqueness_error");
    const key = await json<{ fingerprint: string; labels: Record<string, string> }>("ssh-key", "describe", "key1");
    expect(key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(key.labels).toEqual({ env: "test" });
    await ok("ssh-key", "update", "key1", "--name", "key1b");
    await ok("ssh-key", "add-label", "key1b", "team=k8s");
    expect((await json<{ labels: Record<string, string> }>("ssh-key", "describe", "key1b")).labels).toEqual({ env: "test", team: "k8s" });
    await ok("ssh-key", "delete", "key1b");
    const gone = await cli("ssh-key", "describe", "key1b");
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("not found");
  });

  it("creates networks and adds subnets and routes", async () => {
    await ok("network", "create", "--name", "net1", "--ip-range", "10.0.0.0/16", "--label", "cluster=k8s");
    await ok("network", "add-subnet", "net1", "--type", "cloud", "--network-zone", "eu-central", "--ip-range", "10.0.1.0/24");
    await ok("network", "add-subnet", "net1", "--type", "cloud", "--network-zone", "eu-central");
    await ok("network", "add-route", "net1", "--destination", "192.168.0.0/24", "--gateway", "10.0.1.10");
    const net = await json<{ subnets: { ip_range: string; gateway: string }[]; routes: unknown[] }>("network", "describe", "net1");
    expect(net.subnets.map((s) => s.ip_range)).toEqual(["10.0.1.0/24", "10.0.0.0/24"]);
    expect(net.subnets.every((s) => s.gateway === "10.0.0.1")).toBe(true);
    expect(net.routes).toHaveLength(1);
    await ok("network", "remove-subnet", "net1", "--ip-range", "10.0.0.0/24");
    const overlapping = await cli("network", "add-subnet", "net1", "--type", "cloud", "--network-zone", "eu-central", "--ip-range", "10.0.1.0/25");
    expect(overlapping.stderr).toContain("invalid_input");
    const list = await json<{ name: string }[]>("network", "list", "-l", "cluster=k8s");
    expect(list.map((n) => n.name)).toEqual(["net1"]);
  });

  it("runs the firewall workflow: rules file, label selector, refused delete while applied", async () => {
    await ok("firewall", "create", "--name", "fw1", "--rules-file", join(current().home, "rules.json"), "--label", "cluster=k8s");
    let fw = await json<{ rules: { port: string | null; protocol: string }[]; applied_to: unknown[] }>("firewall", "describe", "fw1");
    expect(fw.rules.map((r) => [r.protocol, r.port])).toEqual([
      ["tcp", "6443"],
      ["icmp", null],
    ]);
    await ok("firewall", "replace-rules", "fw1", "--rules-file", join(current().home, "rules2.json"));
    await ok("firewall", "add-rule", "fw1", "--direction", "in", "--protocol", "udp", "--port", "51820", "--source-ips", "0.0.0.0/0");
    fw = await json("firewall", "describe", "fw1");
    expect(fw.rules.map((r) => r.port)).toEqual(["50000-50001", "51820"]);
    await ok("firewall", "apply-to-resource", "fw1", "--type", "label_selector", "-l", "role=cp");
    await ok("server", "create", "--name", "fw-cp-1", "--type", "cx23", "--image", "ubuntu-24.04", "--location", "nbg1", "--label", "role=cp");
    const described = await json<{ applied_to: { type: string; applied_to_resources?: { server: { id: number } }[] }[] }>("firewall", "describe", "fw1");
    const server = await json<{ id: number; public_net: { firewalls: { id: number; status: string }[] } }>("server", "describe", "fw-cp-1");
    expect(described.applied_to[0]?.applied_to_resources?.map((r) => r.server.id)).toEqual([server.id]);
    expect(server.public_net.firewalls.map((f) => f.status)).toEqual(["applied"]);
    const refused = await cli("firewall", "delete", "fw1");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("resource_in_use");
    await ok("firewall", "remove-from-resource", "fw1", "--type", "label_selector", "-l", "role=cp");
    await ok("firewall", "delete", "fw1");
    await ok("server", "delete", "fw-cp-1");
  });

  it("refuses what the real API refuses", async () => {
    const cx22 = await cli("server", "create", "--name", "old", "--type", "cx22", "--image", "ubuntu-24.04");
    expect(cx22.code).not.toBe(0);
    expect(cx22.stderr).toContain("server type not found");
    const badName = await cli("server", "create", "--name", "not_a_hostname", "--type", "cx23", "--image", "ubuntu-24.04");
    expect(badName.stderr).toContain("invalid_input");
    const wrongLoc = await cli("server", "create", "--name", "faraway", "--type", "cx23", "--image", "ubuntu-24.04", "--location", "ash");
    expect(wrongLoc.stderr).toContain("invalid_input");
    expect((await cli("firewall", "describe", "nope")).stderr).toContain("not found");
    expect((await cli("placement-group", "delete", "999999")).stderr).toContain("not found");
  });
});
