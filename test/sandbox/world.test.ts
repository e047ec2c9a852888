// The world on disk: it survives restarts, it is written atomically and privately, and it never has
// two writers (a live holder is joined or refused, a dead one is taken over).
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHcloudEmulator } from "../../src/sandbox/hcloud/index.js";
import { openSandbox, resetSandbox, serveSandbox } from "../../src/sandbox/world.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-world-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function call(url: string, method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url + path, { method, headers: { Authorization: "Bearer t" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl world@test";

describe("the world on disk", () => {
  it("survives a restart: same objects, IDs continue, running actions finish later", async () => {
    // The emulators' clock stands still until the test moves it: the server's create and start
    // are still running after the restart, however long the restart takes.
    let now = Date.now();
    const clock = () => now;
    const first = await startHcloudEmulator({ dir, actionMs: 800, clock });
    const key = await call(first.url, "POST", "/ssh_keys", { name: "k", public_key: KEY, labels: { a: "b" } });
    const server = await call(first.url, "POST", "/servers", { name: "s1", server_type: "cx23", image: "debian-12" });
    await first.close();
    const files = await readdir(dir);
    expect(files.sort()).toEqual(["hcloud.json", "ssh_host_ed25519_key"]);
    expect((await stat(join(dir, "hcloud.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "ssh_host_ed25519_key"))).mode & 0o777).toBe(0o600);
    const hostKey = await readFile(join(dir, "ssh_host_ed25519_key"), "utf8");

    const second = await startHcloudEmulator({ dir, actionMs: 800, clock });
    try {
      expect((await call(second.url, "GET", `/ssh_keys/${key.ssh_key.id}`)).ssh_key).toEqual(key.ssh_key);
      expect((await call(second.url, "GET", `/servers/${server.server.id}`)).server.status).toBe("initializing");
      const next = await call(second.url, "POST", "/networks", { name: "n", ip_range: "10.0.0.0/16" });
      expect(next.network.id).toBeGreaterThan(server.server.id);
      now += 800;
      expect((await call(second.url, "GET", `/servers/${server.server.id}`)).server.status).toBe("starting");
      now += 800;
      expect((await call(second.url, "GET", `/servers/${server.server.id}`)).server.status).toBe("running");
      expect(await readFile(join(dir, "ssh_host_ed25519_key"), "utf8")).toBe(hostKey);
    } finally {
      await second.close();
    }
    const saved = JSON.parse(await readFile(join(dir, "hcloud.json"), "utf8")) as { servers: { status: string }[] };
    expect(saved.servers[0]?.status).toBe("running");
  });

  it("refuses a corrupt world file with a way out", async () => {
    await writeFile(join(dir, "hcloud.json"), "{ torn");
    await expect(startHcloudEmulator({ dir })).rejects.toThrow(/hk sandbox reset/);
  });
});

describe("one writer per world", () => {
  it("joins a live holder, refuses to serve or reset beside it, and resets once it is gone", async () => {
    const a = await openSandbox(dir, { actionMs: 20 });
    expect(a.served).toBe(false);
    const lock = JSON.parse(await readFile(join(dir, "sandbox.lock"), "utf8")) as Record<string, unknown>;
    expect(lock).toMatchObject({ pid: process.pid, host: hostname(), data: { urls: { hcloudEndpoint: a.hcloudEndpoint, factoryUrl: a.factoryUrl } } });
    const b = await openSandbox(dir);
    expect(b).toMatchObject({ served: true, hcloudEndpoint: a.hcloudEndpoint, factoryUrl: a.factoryUrl, ssh: a.ssh });
    await expect(serveSandbox(dir)).rejects.toThrow(/already served by/);
    await expect(resetSandbox(dir)).rejects.toThrow(/in use by/);
    await call(a.hcloudEndpoint, "POST", "/ssh_keys", { name: "k", public_key: KEY });
    await b.close();
    await a.close();
    await expect(readFile(join(dir, "sandbox.lock"))).rejects.toThrow();
    await resetSandbox(dir);
    const c = await openSandbox(dir);
    try {
      expect((await call(c.hcloudEndpoint, "GET", "/ssh_keys")).ssh_keys).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it("connects to `hk sandbox serve` in another process, and takes over when it dies", async () => {
    const jiti = fileURLToPath(new URL("../../node_modules/.bin/jiti", import.meta.url));
    const script = fileURLToPath(new URL("./serve-child.ts", import.meta.url));
    const child = spawn(process.execPath, [jiti, script, dir], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`serve child exited with ${code}`)));
        setTimeout(() => reject(new Error("the serve child printed no endpoint within 30 s")), 30_000).unref();
      });
      const joined = await openSandbox(dir);
      expect(joined).toMatchObject({ served: true, hcloudEndpoint: line });
      await call(joined.hcloudEndpoint, "POST", "/ssh_keys", { name: "from-client", public_key: KEY });
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const taken = await openSandbox(dir);
      try {
        expect(taken.served).toBe(false);
        expect((await call(taken.hcloudEndpoint, "GET", "/ssh_keys")).ssh_keys.map((k: { name: string }) => k.name)).toEqual(["from-client"]);
      } finally {
        await taken.close();
      }
    } finally {
      child.kill("SIGKILL");
    }
  });
});
