// The rescue system end to end, as hk's image build drives it: a server booted into rescue with a
// key, an SSH session (ssh2's Client, as hk uses) running the hcloud-upload-image pipeline against
// the factory, and the disk/snapshot records proving what was written.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519KeyPair } from "../../../src/lib/ed25519.js";
import { talosRawImage } from "../../../src/sandbox/factory/index.js";
import { readImageDisk, readServerDisk } from "../../../src/sandbox/hcloud/index.js";
import { openSandbox, type SandboxConnection } from "../../../src/sandbox/world.js";
import { actionsFinished } from "./clients.js";

/** A key pair in ssh2's shape, from the generator that never hands out a malformed key (ssh2's own does, ~1 in 600). */
function newPair(): { public: string; private: string } {
  const k = ed25519KeyPair();
  return { public: k.publicKey, private: k.privateKey };
}

const { Client } = ssh2;
const VERSION = "v1.11.5";

let dir: string;
let sb: SandboxConnection;
let schematic: string;

async function api(method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(sb.hcloudEndpoint + path, { method, headers: { Authorization: "Bearer t" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${text}`);
  return json;
}

const settle = (...actions: { id: number }[]): Promise<void> => actionsFinished(sb.hcloudEndpoint, actions);

interface Rescued {
  serverId: number;
  privateKey: string;
  publicKey: string;
}

/** A server booted into rescue with a fresh key, like hk's image build prepares it. */
async function rescuedServer(name: string, type = "cx23", keyPair = newPair()): Promise<Rescued> {
  const existing = (await api("GET", "/ssh_keys?per_page=50")).ssh_keys as { id: number; public_key: string }[];
  const key = existing.find((k) => k.public_key === keyPair.public.trim()) ?? (await api("POST", "/ssh_keys", { name: `${name}-key`, public_key: keyPair.public })).ssh_key;
  const created = await api("POST", "/servers", { name, server_type: type, image: "debian-12", location: "fsn1", ssh_keys: [key.id], start_after_create: false });
  await settle(created.action);
  const rescue = await api("POST", `/servers/${created.server.id}/actions/enable_rescue`, { type: "linux64", ssh_keys: [key.id] });
  await settle(rescue.action);
  await settle((await api("POST", `/servers/${created.server.id}/actions/poweron`)).action);
  return { serverId: created.server.id, privateKey: keyPair.private, publicKey: keyPair.public };
}

interface ExecResult {
  code: number | undefined;
  stdout: string;
  stderr: string;
}

function sshExec(privateKey: string, command: string, stdin?: Buffer): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conn
      .on("ready", () => {
        conn.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = "";
          let stderr = "";
          let code: number | undefined;
          stream.on("data", (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          stream.on("exit", (c: number) => (code = c));
          stream.on("close", () => {
            conn.end();
            resolve({ code, stdout, stderr });
          });
          if (stdin) stream.end(stdin);
        });
      })
      .on("error", reject)
      .connect({ host: sb.ssh.host, port: sb.ssh.port, username: "root", privateKey });
  });
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const imageUrl = (arch: string) => `${sb.factoryUrl}/image/${schematic}/${VERSION}/hcloud-${arch}.raw.xz`;
const uploadCommand = (url: string) => `wget --timeout=5 --waitretry=5 --tries=5 --retry-connrefused --inet4-only -O - "${url}" | xz -cd | dd of=/dev/sda bs=4M && sync`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-rescue-"));
  sb = await openSandbox(dir, { actionMs: 20 });
  const res = await fetch(`${sb.factoryUrl}/schematics`, { method: "POST", body: "customization:\n  systemExtensions:\n    officialExtensions:\n      - siderolabs/qemu-guest-agent\n" });
  schematic = ((await res.json()) as { id: string }).id;
});

afterAll(async () => {
  await sb.close();
  await rm(dir, { recursive: true, force: true });
});

describe("rescue system over SSH", () => {
  it("writes the factory image to the disk, and the snapshot remembers it", async () => {
    const r = await rescuedServer("builder-amd64");
    expect((await api("GET", `/servers/${r.serverId}`)).server.rescue_enabled).toBe(false);
    const out = await sshExec(r.privateKey, uploadCommand(imageUrl("amd64")));
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("1048576 bytes");
    const raw = talosRawImage(schematic, VERSION, "amd64");
    const disk = await readServerDisk(dir, r.serverId);
    expect(disk).toMatchObject({ source: imageUrl("amd64"), bytes: raw.length, sha256: sha256(raw) });

    await settle((await api("POST", `/servers/${r.serverId}/actions/poweroff`)).action);
    const snap = await api("POST", `/servers/${r.serverId}/actions/create_image`, { type: "snapshot", description: "talos", labels: { os: "talos" } });
    await settle(snap.action);
    const image = (await api("GET", `/images/${snap.image.id}`)).image;
    expect(image).toMatchObject({ status: "available", image_size: 0.01, disk_size: 40, architecture: "x86" });
    expect(JSON.stringify(image)).not.toContain(sha256(raw));
    expect(await readImageDisk(dir, snap.image.id)).toEqual(disk);

    const fromSnap = await api("POST", "/servers", { name: "cp-from-snap", server_type: "cx33", image: snap.image.id });
    expect(await readServerDisk(dir, fromSnap.server.id)).toEqual(disk);
  });

  it("takes the image on stdin (upload from a file) and answers probes", async () => {
    const r = await rescuedServer("builder-arm64", "cax11");
    const xz = Buffer.from(await (await fetch(imageUrl("arm64"))).arrayBuffer());
    const out = await sshExec(r.privateKey, "xz -cd | dd of=/dev/sda bs=4M && sync", xz);
    expect(out.code).toBe(0);
    const raw = talosRawImage(schematic, VERSION, "arm64");
    expect(await readServerDisk(dir, r.serverId)).toMatchObject({ source: "stdin", bytes: raw.length, sha256: sha256(raw) });
    expect((await sshExec(r.privateKey, "uname -a")).stdout).toContain("aarch64");
    expect((await sshExec(r.privateKey, "cat /etc/os-release")).stdout).toContain("ID=debian");
    const unknown = await sshExec(r.privateKey, "mkfs.ext4 /dev/sda");
    expect(unknown.code).toBe(127);
    expect(unknown.stderr).toContain("command not found");
    const curl = await sshExec(r.privateKey, `curl -fsSL '${imageUrl("arm64")}' | xz -d | dd of=/dev/sda`);
    expect(curl.code).toBe(0);
  });

  it("follows bash: a failed download leaves the disk alone, pipefail makes it fail", async () => {
    const r = await rescuedServer("builder-fail");
    const missing = `${sb.factoryUrl}/image/${"0".repeat(64)}/${VERSION}/hcloud-amd64.raw.xz`;
    const plain = await sshExec(r.privateKey, uploadCommand(missing));
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain("ERROR 404");
    expect(await readServerDisk(dir, r.serverId)).toBeNull();
    const strict = await sshExec(r.privateKey, `set -o pipefail; ${uploadCommand(missing)}`);
    expect(strict.code).toBe(1); // xz, the rightmost stage that failed (wget exited 8)
  });

  it("admits only a rescue key of a rescued server, newest rescue first", async () => {
    const shared = newPair();
    const older = await rescuedServer("twin-1", "cx23", shared);
    const newer = await rescuedServer("twin-2", "cx23", shared);
    await sshExec(shared.private, uploadCommand(imageUrl("amd64")));
    expect(await readServerDisk(dir, newer.serverId)).not.toBeNull();
    expect(await readServerDisk(dir, older.serverId)).toBeNull();

    const stranger = newPair();
    await expect(sshExec(stranger.private, "true")).rejects.toThrow(/authentication/i);
    await settle((await api("POST", `/servers/${newer.serverId}/actions/poweroff`)).action);
    await settle((await api("POST", `/servers/${older.serverId}/actions/poweroff`)).action);
    await expect(sshExec(shared.private, "true")).rejects.toThrow(/authentication/i);
  });
});
