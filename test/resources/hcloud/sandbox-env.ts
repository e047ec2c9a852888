// A sandbox world (Hetzner API + Image Factory + rescue SSH emulators) in a temp dir, with an hk
// client and factory pointed at it and a StepContext that records progress.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, request } from "node:http";
import { connect, createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import type { Owner, StepContext } from "../../../src/engine/resource.js";
import { HcloudClient, type HcloudClientOptions, type RequestInfo } from "../../../src/providers/hcloud/index.js";
import { talosFactory, type TalosFactory } from "../../../src/providers/talos-factory.js";
import type { SshTarget } from "../../../src/resources/hcloud/index.js";
import { openSandbox } from "../../../src/sandbox/world.js";

export const OWNER: Owner = { stack: "k8s", address: "hcloud_talos_image.amd64", lineage: "0b6a1c4e-7d2f-4c1a-9e3b-5f8d2a6c4e10" };

export interface SandboxEnv {
  client: HcloudClient;
  /** The emulator's API endpoint, for the real clients. */
  endpoint: string;
  factory: TalosFactory;
  ssh: SshTarget;
  requests: RequestInfo[];
  /** Raw API call with the test's own client (for setting up and checking the world). */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface EnvOptions {
  faults?: { rate: number; seed: number };
  actionMs?: number;
  client?: Partial<HcloudClientOptions>;
}

export async function sandboxEnv(opts: EnvOptions = {}): Promise<SandboxEnv> {
  const dir = await mkdtemp(join(tmpdir(), "hk-hcloud-"));
  const sandbox = await openSandbox(dir, { actionMs: opts.actionMs ?? 20, ...(opts.faults ? { faults: opts.faults } : {}) });
  const requests: RequestInfo[] = [];
  const client = HcloudClient.create({
    token: "sandbox-token",
    endpoint: sandbox.hcloudEndpoint,
    backoffMs: { base: 20, max: 200 },
    pollMs: { initial: 10, max: 100 },
    rateLimitWaitMs: { min: 100, max: 3_000 },
    maxAttempts: 8,
    onRequest: (r) => requests.push(r),
    ...opts.client,
  });
  const helper = HcloudClient.create({ token: "sandbox-token", endpoint: sandbox.hcloudEndpoint, backoffMs: { base: 20, max: 200 }, maxAttempts: 10, pollMs: { initial: 10, max: 100 } });
  return {
    client,
    endpoint: sandbox.hcloudEndpoint,
    factory: talosFactory({ url: sandbox.factoryUrl, backoffMs: { base: 20, max: 200 } }),
    ssh: sandbox.ssh,
    requests,
    api: (method, path, body) => helper.request(method, path, { body, schema: z.any() }),
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RecordingContext extends StepContext {
  messages: string[];
}

export function recordingContext(signal: AbortSignal = new AbortController().signal, onProgress?: (message: string) => void): RecordingContext {
  const messages: string[] = [];
  return {
    signal,
    messages,
    progress(message) {
      messages.push(message);
      onProgress?.(message);
    },
    log(message) {
      messages.push(`log: ${message}`);
    },
  };
}

/**
 * A TCP endpoint for the build's SSH connection that holds every connection until `gate`
 * settles, then forwards it to `to` (or drops it when there is none). Lets a test change the
 * world at a fixed point of a build, before the build can go on.
 */
export async function gatedSsh(gate: Promise<unknown>, to?: SshTarget): Promise<{ target: SshTarget; close(): Promise<void> }> {
  const server = createNetServer((socket) => {
    socket.on("error", () => undefined);
    void gate.then(() => {
      if (!to) {
        socket.destroy();
        return;
      }
      const upstream = connect(to.port, to.host);
      upstream.on("error", () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    target: { host: "127.0.0.1", port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A loopback proxy in front of the API that lets `before(method, path)` finish before each request
 * goes on. Lets a test change the world at a fixed point of a build, the build waiting for it.
 */
export async function gatedApi(endpoint: string, before: (method: string, path: string) => Promise<void> | void): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(endpoint);
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void Promise.resolve(before(req.method ?? "GET", new URL(req.url ?? "/", "http://x").pathname.replace(/^\/v1/, "")))
        .then(() => {
          const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          });
          out.on("error", () => res.destroy());
          out.end(Buffer.concat(chunks));
        })
        .catch((err: unknown) => {
          res.writeHead(500, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ error: { code: "gate_failed", message: String(err), details: null } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
