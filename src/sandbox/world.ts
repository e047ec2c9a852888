// The sandbox world on disk (default state/sandbox/): Hetzner API, Image Factory and rescue SSH over
// one directory, with never two writers. `hk sandbox serve` holds the world in the foreground;
// any other hk command connects to it, or, when nobody serves it, runs the emulators in-process.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { AbortError } from "../engine/errors.js";
import { FACTORY_FILE, startImageFactory, type ImageFactory } from "./factory/index.js";
import { startControlServer, type ControlEndpoint, type ControlServer } from "./clusters/control-server.js";
import { startWorldClusters, type ClusterEvent, type WorldClusters } from "./clusters/host.js";
import { removeAllClusters } from "./clusters/store.js";
import { capiLog, startCapiHost, type CapiHost } from "./capi/host.js";
import { startWorkloadReaper, type WorkloadReaper } from "./capi/workload-reaper.js";
import { parseFaultSpec, startHcloudEmulator, type FaultSpec, type HcloudEmulator } from "./hcloud/index.js";
import { WORLD_FILE } from "./hcloud/store.js";
import { sandboxTiming } from "./timing.js";
import { describeHolder, holderUrls, tryLockWorld, type HeldLock, type WorldLockInfo, type WorldUrls } from "./world-lock.js";

export interface SandboxConnection {
  hcloudEndpoint: string;
  factoryUrl: string;
  ssh: { host: string; port: number };
  /** Where the emulated `kind` reaches the world's clusters (absent from holders older than clusters). */
  control?: ControlEndpoint;
  /** true = talking to a world another process serves (`hk sandbox serve`, or another hk holding it). */
  served: boolean;
  /** The world's Kubernetes clusters, in-process: only when this process holds the world. */
  clusters?: WorldClusters;
  /** The simulated Cluster API providers, in-process: only when this process holds the world. */
  capi?: CapiHost;
  /** What the caller should tell the user (e.g. that faults asked for here are the holder's to decide). */
  warnings: string[];
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** Default: HK_SANDBOX_FAULTS. They apply to the Hetzner API and the clusters' API servers. */
  faults?: FaultSpec;
  actionMs?: number;
  /** Told when a cluster is made or deleted while this process holds the world. */
  onCluster?: (event: ClusterEvent) => void;
}

const WAIT_FOR_URLS_MS = 10_000;

/** Takes the world's lock, or returns who holds it (waiting briefly for a starting holder's URLs). */
async function lockOrFindHolder(dir: string, mode: "serve" | "embedded"): Promise<{ held: HeldLock } | { holder: WorldLockInfo }> {
  const deadline = Date.now() + WAIT_FOR_URLS_MS;
  for (;;) {
    const attempt = await tryLockWorld(dir, mode);
    if (attempt !== "retry" && ("held" in attempt || holderUrls(attempt.holder) || mode === "serve" || Date.now() > deadline)) return attempt;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startAll(dir: string, held: HeldLock, opts: SandboxOptions & { port?: number }): Promise<SandboxConnection> {
  let hcloud: HcloudEmulator | undefined;
  let factory: ImageFactory | undefined;
  let clusters: WorldClusters | undefined;
  let control: ControlServer | undefined;
  let capi: CapiHost | undefined;
  let reaper: WorkloadReaper | undefined;
  try {
    const timing = sandboxTiming();
    const port = opts.port ?? 0;
    const faults = opts.faults ?? parseFaultSpec(process.env.HK_SANDBOX_FAULTS);
    factory = await startImageFactory({ dir, port: port === 0 ? 0 : port + 1 });
    hcloud = await startHcloudEmulator({
      dir,
      port,
      actionMs: opts.actionMs ?? timing.ms("hcloudAction"),
      ...(faults === undefined ? {} : { faults }),
    });
    const onChange = (event: ClusterEvent) => {
      capi?.onCluster(event);
      opts.onCluster?.(event);
    };
    clusters = await startWorldClusters(dir, { ...(faults === undefined ? {} : { faults }), onChange });
    capi = startCapiHost({ dir, clusters, hcloudEndpoint: hcloud.url, timing });
    const servers = hcloud;
    reaper = startWorkloadReaper(clusters, () => servers.serverIds(), (line) => capiLog(dir, line));
    control = await startControlServer(clusters);
    const urls: WorldUrls = {
      hcloudEndpoint: hcloud.url,
      factoryUrl: factory.url,
      ssh: hcloud.ssh,
      control: { url: control.url, token: control.token },
      ...(faults === undefined ? {} : { faults }),
    };
    await held.publish(urls);
    const [h, f, c, k, a, r] = [hcloud, factory, control, clusters, capi, reaper];
    return {
      ...urls,
      served: false,
      clusters: k,
      capi: a,
      warnings: [],
      async close() {
        await c.close();
        await r.close();
        await a.close();
        await k.close();
        await h.close();
        await f.close();
        await held.release();
      },
    };
  } catch (err) {
    await control?.close();
    await reaper?.close();
    await capi?.close();
    await clusters?.close();
    await hcloud?.close();
    await factory?.close();
    await held.release();
    throw err;
  }
}

function sameFaults(a: FaultSpec | undefined, b: FaultSpec | undefined): boolean {
  return a?.rate === b?.rate && a?.seed === b?.seed;
}

const showFaults = (f: FaultSpec) => `rate=${f.rate},seed=${f.seed}`;

/** Faults asked for by this process (HK_SANDBOX_FAULTS) that the world's holder does not inject. */
function ignoredFaultsWarning(holder: WorldLockInfo, urls: WorldUrls, dir: string): string[] {
  const wanted = parseFaultSpec(process.env.HK_SANDBOX_FAULTS);
  if (wanted === undefined || sameFaults(wanted, urls.faults)) return [];
  const theirs = urls.faults ? `it injects ${showFaults(urls.faults)}` : "it injects none";
  return [
    `HK_SANDBOX_FAULTS=${showFaults(wanted)} is ignored: the sandbox world in ${dir} is served by ${describeHolder(holder)}, which decides the faults (${theirs}); ` +
      `to rehearse with these, restart it as hk sandbox serve --faults ${showFaults(wanted)}`,
  ];
}

function connectTo(holder: WorldLockInfo, dir: string): SandboxConnection {
  const urls = holderUrls(holder);
  if (!urls) throw new AbortError(`the sandbox world in ${dir} is held by ${describeHolder(holder)}, which has not published its address`, "wait for it to finish starting, then try again");
  return { ...urls, served: true, warnings: ignoredFaultsWarning(holder, urls, dir), close: () => Promise.resolve() };
}

/** Connects to whoever serves the world in `dir`, or serves it in-process until close(). */
export async function openSandbox(dir: string, opts: SandboxOptions = {}): Promise<SandboxConnection> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const got = await lockOrFindHolder(dir, "embedded");
  return "held" in got ? startAll(dir, got.held, opts) : connectTo(got.holder, dir);
}

/** Serves the world in the foreground (`hk sandbox serve`); refuses while someone else holds it. */
export async function serveSandbox(dir: string, opts: SandboxOptions & { port?: number } = {}): Promise<SandboxConnection> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const got = await lockOrFindHolder(dir, "serve");
  if ("holder" in got) {
    const urls = holderUrls(got.holder);
    const where = urls ? ` at ${urls.hcloudEndpoint}` : "";
    throw new AbortError(`the sandbox world in ${dir} is already served by ${describeHolder(got.holder)}${where}`, "use that one, or stop it first");
  }
  return startAll(dir, got.held, opts);
}

/** Empties the world, its clusters too (keeps the SSH host key); refuses while a live process holds it. */
export async function resetSandbox(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const got = await lockOrFindHolder(dir, "serve");
  if ("holder" in got) {
    throw new AbortError(`cannot reset the sandbox world in ${dir}: it is in use by ${describeHolder(got.holder)}`, "stop it first (Ctrl-C in its terminal), then run hk sandbox reset again");
  }
  try {
    for (const f of [WORLD_FILE, FACTORY_FILE]) await rm(join(dir, f), { force: true });
    await removeAllClusters(dir);
  } finally {
    await got.held.release();
  }
}
