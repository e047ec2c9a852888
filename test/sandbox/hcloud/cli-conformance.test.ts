// The real hcloud CLI (Debian 1.30.3) against the emulator, through the workflows hk relies on.
// Every answer the CLI received is checked against Hetzner's OpenAPI response schemas.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hcloud, type RunResult } from "./clients.js";
import { startFixture, type Fixture } from "./emulator-fixture.js";

let fx: Fixture;
let home: string;

const cli = (...args: string[]): Promise<RunResult> => hcloud(fx.url, home, args);

async function ok(...args: string[]): Promise<string> {
  const r = await cli(...args);
  if (r.code !== 0) throw new Error(`hcloud ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function json<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args, "-o", "json")) as T;
}

interface ServerView {
  status: string;
  datacenter: { name: string };
  private_net: { ip: string }[];
  placement_group: { name: string };
  server_type: { name: string };
}

interface LbView {
  targets: { targets?: { server: { id: number } }[] }[];
  services: { listen_port: number; health_check: { http?: { path: string } } }[];
  private_net: { ip: string }[];
}

const PUBKEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl hk@test";
const PUBKEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ5cwWSe7SrU7jFPhKDIGr5ErBzrC1R5oPHw4cO/Ajjm other@test";

beforeAll(async () => {
  fx = await startFixture();
  home = await mkdtemp(join(tmpdir(), "hk-cli-home-"));
  await writeFile(
    join(home, "rules.json"),
    JSON.stringify([
      { direction: "in", protocol: "tcp", port: "6443", source_ips: ["0.0.0.0/0", "::/0"], description: "kube api" },
      { direction: "in", protocol: "icmp", source_ips: ["0.0.0.0/0", "::/0"] },
    ]),
  );
  await writeFile(join(home, "rules2.json"), JSON.stringify([{ direction: "in", protocol: "tcp", port: "50000-50001", source_ips: ["10.0.0.0/8"] }]));
  await writeFile(join(home, "user-data.yaml"), "#cloud-config\nruncmd: []\n");
});

afterAll(async () => {
  await fx.close();
  await rm(home, { recursive: true, force: true });
});

afterEach(() => {
  expect(fx.drainProblems()).toEqual([]);
});

describe("hcloud CLI against the emulator", () => {
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
    await ok("firewall", "create", "--name", "fw1", "--rules-file", join(home, "rules.json"), "--label", "cluster=k8s");
    let fw = await json<{ rules: { port: string | null; protocol: string }[]; applied_to: unknown[] }>("firewall", "describe", "fw1");
    expect(fw.rules.map((r) => [r.protocol, r.port])).toEqual([
      ["tcp", "6443"],
      ["icmp", null],
    ]);
    await ok("firewall", "replace-rules", "fw1", "--rules-file", join(home, "rules2.json"));
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

  it("creates a server with network, firewall, placement group, SSH key and user data; rescue, power, delete", async () => {
    await ok("ssh-key", "create", "--name", "admin", "--public-key", PUBKEY2);
    await ok("network", "create", "--name", "net2", "--ip-range", "10.1.0.0/16");
    await ok("network", "add-subnet", "net2", "--type", "cloud", "--network-zone", "eu-central", "--ip-range", "10.1.1.0/24");
    await ok("firewall", "create", "--name", "fw2", "--rules-file", join(home, "rules.json"));
    await ok("placement-group", "create", "--name", "pg1", "--type", "spread", "--label", "cluster=k8s");
    const out = await ok(
      "server", "create", "--name", "cp-1", "--type", "cx33", "--image", "ubuntu-24.04", "--location", "nbg1",
      "--ssh-key", "admin", "--network", "net2", "--firewall", "fw2", "--placement-group", "pg1",
      "--user-data-from-file", join(home, "user-data.yaml"), "--label", "role=cp", "--label", "cluster=k8s",
    );
    expect(out).toContain("10.1.1.1");
    const s = await json<ServerView>("server", "describe", "cp-1");
    expect(s.status).toBe("running");
    expect(s.datacenter.name).toBe("nbg1-dc3");
    expect(s.private_net[0]?.ip).toBe("10.1.1.1");
    expect(s.placement_group.name).toBe("pg1");
    expect(s.server_type.name).toBe("cx33");
    const listed = await json<{ name: string }[]>("server", "list", "-l", "role in (cp,worker),cluster=k8s,!gone");
    expect(listed.map((x) => x.name)).toEqual(["cp-1"]);
    expect(await json("server", "list", "-l", "role notin (cp)")).toBeNull();

    await ok("server", "enable-rescue", "cp-1", "--ssh-key", "admin");
    expect((await json<{ rescue_enabled: boolean }>("server", "describe", "cp-1")).rescue_enabled).toBe(true);
    await ok("server", "reset", "cp-1");
    expect((await json<{ rescue_enabled: boolean }>("server", "describe", "cp-1")).rescue_enabled).toBe(false);
    await ok("server", "poweroff", "cp-1");
    expect((await json<{ status: string }>("server", "describe", "cp-1")).status).toBe("off");
    const notStopped = await cli("server", "add-to-placement-group", "cp-1", "-g", "pg1");
    expect(notStopped.stderr).toContain("already_in_placement_group");
    await ok("server", "poweron", "cp-1");
    await ok("server", "reboot", "cp-1");
    await ok("server", "shutdown", "cp-1");
    await ok("server", "update", "cp-1", "--name", "cp-1b");
    await ok("server", "add-label", "cp-1b", "extra=yes");
    await ok("server", "delete", "cp-1b");
    expect(await json("server", "list")).toBeNull();
    // `placement-group describe -o json` is broken in CLI 1.30.3 ("got invalid JSON response" on a
    // well-formed answer), so read the group from the list.
    const groups = await json<{ name: string; servers: number[] }[]>("placement-group", "list");
    expect(groups).toEqual([expect.objectContaining({ name: "pg1", servers: [] })]);
    await ok("placement-group", "delete", "pg1");
  });

  it("snapshots a server and manages the image", async () => {
    await ok("server", "create", "--name", "builder", "--type", "cx23", "--image", "debian-12", "--location", "fsn1");
    await ok("server", "poweroff", "builder");
    await ok("server", "create-image", "--type", "snapshot", "--description", "talos v1.11.5", "--label", "os=talos", "--label", "arch=amd64", "builder");
    const images = await json<{ id: number; type: string; description: string; status: string; created_from: { name: string } }[]>("image", "list", "-t", "snapshot", "-l", "os=talos");
    expect(images).toHaveLength(1);
    const img = images[0]!;
    expect(img).toMatchObject({ type: "snapshot", description: "talos v1.11.5", status: "available", created_from: { name: "builder" } });
    const id = String(img.id);
    await ok("image", "update", id, "--description", "talos v1.11.5 amd64");
    await ok("image", "add-label", id, "hk/build=1");
    await ok("image", "remove-label", id, "arch");
    expect((await json<{ labels: Record<string, string> }>("image", "describe", id)).labels).toEqual({ os: "talos", "hk/build": "1" });
    await ok("image", "enable-protection", id, "delete");
    expect((await cli("image", "delete", id)).stderr).toContain("protected");
    await ok("image", "disable-protection", id, "delete");
    await ok("server", "delete", "builder");
    expect(await json("image", "list", "-t", "snapshot")).toHaveLength(1);
    await ok("image", "delete", id);
    expect(await json("image", "list", "-t", "snapshot")).toBeNull();
    const all = await json<{ name: string }[]>("image", "list", "-t", "system");
    expect(all.filter((i) => i.name === "ubuntu-24.04")).toHaveLength(2);
  });

  it("builds a load balancer: label-selector and server targets, services, network", async () => {
    await ok("server", "create", "--name", "lb-cp-1", "--type", "cx23", "--image", "ubuntu-24.04", "--location", "nbg1", "--label", "role=lbcp", "--network", "net1");
    await ok("load-balancer", "create", "--name", "lb1", "--type", "lb11", "--location", "nbg1", "--label", "cluster=k8s");
    await ok("load-balancer", "add-target", "lb1", "--label-selector", "role=lbcp");
    const dupTarget = await cli("load-balancer", "add-target", "lb1", "--label-selector", "role=lbcp");
    expect(dupTarget.stderr).toContain("target_already_defined");
    await ok("load-balancer", "add-service", "lb1", "--protocol", "tcp", "--listen-port", "6443", "--destination-port", "6443");
    const dupPort = await cli("load-balancer", "add-service", "lb1", "--protocol", "tcp", "--listen-port", "6443", "--destination-port", "6443");
    expect(dupPort.stderr).toContain("source_port_already_used");
    await ok("load-balancer", "add-service", "lb1", "--protocol", "http", "--listen-port", "80", "--destination-port", "8080");
    await ok("load-balancer", "update-service", "lb1", "--listen-port", "80", "--health-check-protocol", "http", "--health-check-http-path", "/healthz");
    const privateRefused = await cli("load-balancer", "add-target", "lb1", "--server", "lb-cp-1", "--use-private-ip");
    expect(privateRefused.stderr).toContain("load_balancer_not_attached_to_network");
    await ok("load-balancer", "attach-to-network", "lb1", "--network", "net1");
    await ok("load-balancer", "add-target", "lb1", "--server", "lb-cp-1", "--use-private-ip");
    const lb = await json<LbView>("load-balancer", "describe", "lb1");
    expect(lb.targets[0]?.targets?.map((t) => t.server.id)).toHaveLength(1);
    expect(lb.services.map((s) => s.listen_port)).toEqual([6443, 80]);
    expect(lb.services[1]?.health_check.http?.path).toBe("/healthz");
    expect(lb.private_net[0]?.ip).toMatch(/^10\.0\.1\./);
    await ok("load-balancer", "delete-service", "lb1", "--listen-port", "80");
    await ok("load-balancer", "remove-target", "lb1", "--server", "lb-cp-1");
    await ok("load-balancer", "delete", "lb1");
    await ok("server", "delete", "lb-cp-1");
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
