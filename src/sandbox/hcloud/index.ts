// The Hetzner Cloud API emulator: HTTP API on 127.0.0.1 plus the rescue system's SSH endpoint,
// over a world persisted in `dir`. Faults come from opts.faults or HK_SANDBOX_FAULTS.
import { mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseFaultSpec, type FaultSpec } from "./faults.js";
import { apiHandler } from "./http-api.js";
import { Project } from "./project.js";
import { loadOrCreateHostKey } from "./rescue/host-key.js";
import { startRescueSsh } from "./rescue/ssh-server.js";
import { Router } from "./router.js";
import { allRoutes } from "./routes.js";
import { WorldStore } from "./store.js";

export { readImageDisk, readServerDisk, type DiskRecord } from "./disk.js";
export { parseFaultSpec, type FaultSpec } from "./faults.js";
export { READ_ONLY_TOKEN_PREFIX } from "./http-api.js";
export { loadWorld, WORLD_FILE } from "./store.js";
export type { ServerRec, WorldData } from "./world-types.js";

export interface HcloudEmulatorOptions {
  /** World directory; the world persists in it (dir/hcloud.json), written atomically after each mutation. */
  dir: string;
  /** 0/undefined = ephemeral. */
  port?: number;
  /** How long actions take to finish (default 200 ms); progress grows over that time. */
  actionMs?: number;
  /** Seeded fraction of API requests that fail (429, 5xx, dropped, slow). Default: HK_SANDBOX_FAULTS. */
  faults?: FaultSpec;
  /** RateLimit-Limit per hour (default 3600), refilled gradually. */
  rateLimit?: number;
  /** The clock actions run on (default Date.now): a test that moves it decides when they finish. */
  clock?: () => number;
}

export interface HcloudEmulator {
  /** http://127.0.0.1:PORT/v1 */
  url: string;
  ssh: { host: string; port: number };
  /** Ids of the servers that exist now, read in-process (no faults): for the world's own physics. */
  serverIds(): number[];
  close(): Promise<void>;
}

export async function startHcloudEmulator(opts: HcloudEmulatorOptions): Promise<HcloudEmulator> {
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const store = await WorldStore.open(opts.dir);
  const project = new Project(store, opts.actionMs ?? 200, opts.clock);
  const router = new Router(allRoutes);
  let timer: NodeJS.Timeout | undefined;
  // Finishes actions on time even when nobody polls, so the file shows their effects.
  const arm = () => {
    if (timer) clearTimeout(timer);
    const due = project.nextDeadline();
    if (due === undefined) return;
    timer = setTimeout(() => {
      if (project.settle()) void store.flush().catch(() => undefined);
      arm();
    }, due + 1);
    timer.unref();
  };
  const faults = opts.faults ?? parseFaultSpec(process.env.HK_SANDBOX_FAULTS);
  const http = createServer(apiHandler({ project, router, rateLimit: opts.rateLimit ?? 3600, faults, afterRequest: arm }));
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const ssh = await startRescueSsh(project, await loadOrCreateHostKey(opts.dir));
  if (project.settle()) await store.flush();
  arm();
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    ssh: { host: ssh.host, port: ssh.port },
    serverIds: () => project.data.servers.map((srv) => srv.id),
    async close() {
      if (timer) clearTimeout(timer);
      await ssh.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await store.flush();
    },
  };
}
