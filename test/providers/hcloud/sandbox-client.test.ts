// The client and the Image Factory client against the sandbox's emulators: a read-only token is
// refused before anything changes, an exhausted rate budget gives up instead of waiting forever,
// and the factory gives the schematic ids factory.talos.dev gives.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, ExternalError } from "../../../src/engine/errors.js";
import { createSshKey, HcloudClient, listSshKeys, type RequestInfo } from "../../../src/providers/hcloud/index.js";
import { talosFactory } from "../../../src/providers/talos-factory.js";
import { startHcloudEmulator, type HcloudEmulator } from "../../../src/sandbox/hcloud/index.js";
import { startImageFactory, type ImageFactory } from "../../../src/sandbox/factory/index.js";

let dir: string;
let api: HcloudEmulator;
let factory: ImageFactory;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-client-"));
  api = await startHcloudEmulator({ dir, actionMs: 20, rateLimit: 30 });
  factory = await startImageFactory({ dir });
});
afterAll(async () => {
  await api.close();
  await factory.close();
  await rm(dir, { recursive: true, force: true });
});

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0sSg2x5y3y6GkdC2D7oJYx1Hk5QeAq3s1c1d9oYrG test";

describe("against the Hetzner emulator", () => {
  it("refuses a read-only token on the first change, before anything is made", async () => {
    const client = HcloudClient.create({ token: "ro-readonly-token", endpoint: api.url });
    await client.verify();
    const err = (await createSshKey(client, { name: "k", public_key: KEY, labels: {} }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toMatch(/read-only/);
    expect(err.message).not.toContain("ro-readonly-token");
    expect(await listSshKeys(client)).toEqual([]);
  });

  it("paces itself as the budget runs low, and gives up with a clear error when it is gone", async () => {
    const seen: RequestInfo[] = [];
    const client = HcloudClient.create({
      token: "budget-token",
      endpoint: api.url,
      rateFloor: 0.2,
      maxPaceMs: 40,
      rateLimitWaitMs: { min: 20, max: 50 },
      maxRateLimited: 3,
      onRequest: (r) => seen.push(r),
    });
    const started = Date.now();
    let err: unknown;
    for (let i = 0; i < 40 && err === undefined; i++) await client.verify().catch((e: unknown) => (err = e));
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).code).toBe("rate_limit_exceeded");
    expect((err as ExternalError).retryable).toBe(true);
    // 30 allowed, then 1 + 3 refused: bounded, and the paced tail took time.
    expect(seen.filter((r) => r.status === 200)).toHaveLength(30);
    expect(seen.filter((r) => r.status === 429)).toHaveLength(4);
    expect(client.budget.remaining).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 40);
  });
});

describe("against the Image Factory emulator", () => {
  it("gives the seed's schematic for qemu-guest-agent, and another for another set", async () => {
    const f = talosFactory({ url: factory.url });
    expect(await f.schematicFor(["siderolabs/qemu-guest-agent"])).toBe("ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");
    const other = await f.schematicFor(["siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools"]);
    expect(other).toMatch(/^[0-9a-f]{64}$/);
    expect(other).not.toBe("ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");
    const res = await fetch(f.imageUrl(other, "v1.12.2", "amd64"));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("passes the factory's refusal of an unknown extension on", async () => {
    const f = talosFactory({ url: factory.url });
    await expect(f.schematicFor(["siderolabs/not-a-thing"])).rejects.toThrow(/refused the schematic.*not available/);
  });
});
