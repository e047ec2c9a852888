// The world holder's clusters: every recorded cluster is served again (same port, PKI and
// objects) when the world is held, and new ones are made, listed and deleted here, by the control
// endpoint (for the emulated `kind`) and in-process (for the simulated CAPH's workload clusters).
import { AbortError } from "../../engine/errors.js";
import type { FaultSpec } from "../hcloud/index.js";
import type { ClusterPki, KubeApiServer } from "../kube/index.js";
import { kubeconfigYaml } from "../kube/kubeconfig.js";
import type { ClusterApi } from "../kube/types.js";
import { seedCluster } from "./seed.js";
import { clusterPaths, makeClusterDir, readClusterRecords, readPki, removeCluster, writeJson } from "./store.js";
import { CLUSTER_NAME_RE, ClusterExistsError, kindNodes, SERVER_VERSION_RE, type ClusterInfo, type ClusterRecord, type CreateClusterRequest } from "./types.js";

type Pki = ClusterPki;
type Server = KubeApiServer;

interface Running {
  record: ClusterRecord;
  pki: Pki;
  server: Server;
}

export interface WorldClusters {
  list(): ClusterInfo[];
  get(name: string): ClusterInfo | undefined;
  /** Makes and serves a new cluster; ClusterExistsError when the name is taken. */
  create(req: CreateClusterRequest): Promise<ClusterInfo>;
  /** false when there was no such cluster. */
  delete(name: string): Promise<boolean>;
  /** Its kubeconfig, entries named `contextName` (default the cluster's name); `internal`: the in-network address kind gives. */
  kubeconfig(name: string, opts?: { contextName?: string; internal?: boolean }): string | undefined;
  /** Whether every control-plane Node reports Ready=True (kind's --wait); undefined without such a cluster. */
  ready(name: string): boolean | undefined;
  /** The in-process API of one cluster (for simulated controllers of the world). */
  api(name: string): ClusterApi | undefined;
  /** Stops serving them all (their files stay). */
  close(): Promise<void>;
}

export type ClusterEvent = { type: "created"; cluster: ClusterInfo } | { type: "deleted"; name: string };

export interface ClustersOptions {
  faults?: FaultSpec;
  /** Told after a cluster was made or deleted (`hk sandbox serve` prints it). */
  onChange?: (event: ClusterEvent) => void;
}

// The API server and its PKI are loaded only once a cluster is served: a world without clusters
// (most hk commands under --sandbox) starts without them.
const kube = () => import("../kube/index.js");

function info(r: Running): ClusterInfo {
  return { ...r.record, server: `https://127.0.0.1:${r.record.port}` };
}

async function serve(dir: string, record: Pick<ClusterRecord, "name" | "serverVersion"> & { port: number }, pki: Pki, opts: ClustersOptions): Promise<Server> {
  const paths = clusterPaths(dir, record.name);
  const { startKubeApiServer } = await kube();
  try {
    return await startKubeApiServer({
      name: record.name,
      dataFile: paths.objects,
      port: record.port,
      pki,
      serverVersion: record.serverVersion,
      // Always given, so the world's choice holds (the server would read HK_SANDBOX_FAULTS itself).
      faults: opts.faults,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new AbortError(
        `sandbox cluster "${record.name}" cannot be served: its port ${record.port} (written in its kubeconfig) is taken by another process`,
        `free port ${record.port} (e.g. stop what listens there: ss -ltnp 'sport = :${record.port}'), or delete the cluster's folder ${paths.dir}`,
      );
    }
    throw err;
  }
}

/** Serves every cluster recorded under `dir`; all or none (a failure stops those already started). */
export async function startWorldClusters(dir: string, opts: ClustersOptions = {}): Promise<WorldClusters> {
  const running = new Map<string, Running>();
  const creating = new Set<string>();
  const stopAll = async () => {
    const all = [...running.values()];
    running.clear();
    await Promise.all(all.map((r) => r.server.close()));
  };
  try {
    for (const record of await readClusterRecords(dir)) {
      const pki = (await readPki(clusterPaths(dir, record.name))) as Pki;
      running.set(record.name, { record, pki, server: await serve(dir, record, pki, opts) });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    list: () => [...running.values()].map(info).sort((a, b) => a.name.localeCompare(b.name)),
    get: (name) => {
      const r = running.get(name);
      return r && info(r);
    },
    async create(req) {
      if (!CLUSTER_NAME_RE.test(req.name)) throw new AbortError(`'${req.name}' is not a valid cluster name, cluster names must match \`${CLUSTER_NAME_RE.source}\``);
      if (!SERVER_VERSION_RE.test(req.serverVersion)) throw new AbortError(`server version "${req.serverVersion}" is not of the form vX.Y.Z`);
      if (running.has(req.name) || creating.has(req.name)) throw new ClusterExistsError(req.name);
      creating.add(req.name);
      let server: Server | undefined;
      try {
        const paths = await makeClusterDir(dir, req.name);
        const { makeClusterPki } = await kube();
        const pki = await makeClusterPki(req.name);
        await writeJson(paths.pki, pki);
        server = await serve(dir, { name: req.name, serverVersion: req.serverVersion, port: 0 }, pki, opts);
        const record: ClusterRecord = {
          name: req.name,
          kind: req.kind,
          serverVersion: req.serverVersion,
          ...(req.image ? { image: req.image } : {}),
          port: server.port,
          nodes: req.nodes ?? kindNodes(req.name),
          createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        };
        seedCluster(server.api, record);
        await writeJson(paths.record, record);
        const r: Running = { record, pki, server };
        running.set(req.name, r);
        opts.onChange?.({ type: "created", cluster: info(r) });
        return info(r);
      } catch (err) {
        await server?.close();
        await removeCluster(dir, req.name);
        throw err;
      } finally {
        creating.delete(req.name);
      }
    },
    async delete(name) {
      const r = running.get(name);
      if (!r) return false;
      running.delete(name);
      await r.server.close();
      await removeCluster(dir, name);
      opts.onChange?.({ type: "deleted", name });
      return true;
    },
    kubeconfig(name, o = {}) {
      const r = running.get(name);
      if (!r) return undefined;
      const server = o.internal ? `https://${name}-control-plane:6443` : info(r).server;
      return kubeconfigYaml({ name: o.contextName ?? name, server, pki: r.pki });
    },
    ready(name) {
      const r = running.get(name);
      if (!r) return undefined;
      return r.record.nodes
        .filter((n) => n.role === "control-plane")
        .every((n) => {
          const node = r.server.api.get("v1", "Node", undefined, n.name) as { status?: { conditions?: { type: string; status: string }[] } } | undefined;
          return node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
        });
    },
    api: (name) => running.get(name)?.server.api,
    close: stopAll,
  };
}
