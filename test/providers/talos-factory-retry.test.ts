// The Image Factory client's request and failure paths, against a scripted server.
import { afterEach, describe, expect, it } from "vitest";
import { ExternalError } from "../../src/engine/errors.js";
import { talosFactory } from "../../src/providers/talos-factory.js";
import { scriptedServer, type ScriptedServer } from "./hcloud/scripted-server.js";

const ID = "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("Talos Image Factory client", () => {
  it("posts the official extensions once per set and names the hcloud disk image", async () => {
    server = await scriptedServer(() => ({ status: 201, body: { id: ID } }));
    const factory = talosFactory({ url: server.url.replace(/\/v1$/, "") });
    expect(await factory.schematicFor(["siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools"])).toBe(ID);
    expect(await factory.schematicFor(["siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"])).toBe(ID);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.path).toBe("/schematics");
    expect(server.seen[0]?.body).toEqual({ customization: { systemExtensions: { officialExtensions: ["siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"] } } });
    expect(factory.imageUrl(ID, "v1.12.2", "arm64")).toBe(`${factory.url}/image/${ID}/v1.12.2/hcloud-arm64.raw.xz`);
  });

  it("retries a failing factory a bounded number of times", async () => {
    server = await scriptedServer((_, n) => (n < 3 ? { status: 503 } : n === 3 ? "drop" : { status: 201, body: { id: ID } }));
    const factory = talosFactory({ url: server.url, backoffMs: { base: 5, max: 10 } });
    expect(await factory.schematicFor(["siderolabs/qemu-guest-agent"])).toBe(ID);
    expect(server.seen).toHaveLength(4);

    await server.close();
    server = await scriptedServer(() => ({ status: 500 }));
    const again = talosFactory({ url: server.url, maxAttempts: 2, backoffMs: { base: 5, max: 10 } });
    await expect(again.schematicFor(["a/b"])).rejects.toThrow(/failed 2 times \(HTTP 500\)/);
    expect(server.seen).toHaveLength(2);
  });

  it("does not retry a refused schematic", async () => {
    server = await scriptedServer(() => ({ status: 400, body: { error: "unknown extension" } }));
    const factory = talosFactory({ url: server.url, backoffMs: { base: 5, max: 10 } });
    const err = await factory.schematicFor(["nope/nope"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toMatch(/refused the schematic \(HTTP 400/);
    expect(server.seen).toHaveLength(1);
  });
});
