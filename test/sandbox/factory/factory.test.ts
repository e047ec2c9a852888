// The sandbox Image Factory: schematic IDs as factory.talos.dev computes them, strict validation,
// and real .raw.xz images whose content follows from schematic + version + arch.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImageFactory, talosRawImage, type ImageFactory } from "../../../src/sandbox/factory/index.js";

let dir: string;
let factory: ImageFactory;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-factory-"));
  factory = await startImageFactory({ dir });
});
afterAll(async () => {
  await factory.close();
  await rm(dir, { recursive: true, force: true });
});

async function post(body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${factory.url}/schematics`, { method: "POST", body });
  return { status: res.status, text: await res.text() };
}

const QEMU_ID = "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";

describe("sandbox image factory", () => {
  it.each([
    ["the default schematic", "customization: {}\n", "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba"],
    ["qemu-guest-agent in YAML", "customization:\n  systemExtensions:\n    officialExtensions:\n      - siderolabs/qemu-guest-agent\n", QEMU_ID],
    ["qemu-guest-agent in JSON", JSON.stringify({ customization: { systemExtensions: { officialExtensions: ["siderolabs/qemu-guest-agent"] } } }), QEMU_ID],
  ])("gives %s the factory's ID", async (_what, body, id) => {
    expect(await post(body)).toEqual({ status: 201, text: JSON.stringify({ id }) });
  });

  it("refuses unknown extensions and fields with 400", async () => {
    const unknown = await post(JSON.stringify({ customization: { systemExtensions: { officialExtensions: ["siderolabs/nope"] } } }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("siderolabs/nope");
    expect((await post("customization:\n  bogus: 1\n")).status).toBe(400);
    expect((await post("{not yaml: [")).status).toBe(400);
  });

  it("serves a real xz stream whose content is derived from schematic, version and arch", async () => {
    const res = await fetch(`${factory.url}/image/${QEMU_ID}/v1.11.5/hcloud-amd64.raw.xz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-xz");
    const xz = Buffer.from(await res.arrayBuffer());
    expect(xz.subarray(0, 6)).toEqual(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
    const raw = spawnSync("/usr/bin/xz", ["-dc"], { input: xz }).stdout;
    expect(raw.equals(talosRawImage(QEMU_ID, "v1.11.5", "amd64"))).toBe(true);
    expect(raw.toString("utf8", 0, 200)).toContain(`schematic=${QEMU_ID}\nversion=v1.11.5\narch=amd64`);
    expect(talosRawImage(QEMU_ID, "v1.11.5", "arm64").equals(raw)).toBe(false);
  });

  it("answers 404 for unknown schematics and versions, and remembers schematics across restarts", async () => {
    expect((await fetch(`${factory.url}/image/${"a".repeat(64)}/v1.11.5/hcloud-amd64.raw.xz`)).status).toBe(404);
    expect((await fetch(`${factory.url}/image/${QEMU_ID}/latest/hcloud-amd64.raw.xz`)).status).toBe(404);
    const again = await startImageFactory({ dir });
    try {
      expect((await fetch(`${again.url}/image/${QEMU_ID}/v1.12.0/hcloud-arm64.raw.xz`, { method: "HEAD" })).status).toBe(200);
      expect(await (await fetch(`${again.url}/schematics/${QEMU_ID}`)).text()).toBe(
        "customization:\n    systemExtensions:\n        officialExtensions:\n            - siderolabs/qemu-guest-agent\n",
      );
    } finally {
      await again.close();
    }
  });
});
