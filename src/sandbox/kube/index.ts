// One emulated Kubernetes API server: HTTPS on loopback with its cluster's PKI, objects kept in a
// JSON file (loaded on start, so a server restarted on the same port carries on where it was),
// the simulated built-in controllers running against it, and faults under HK_SANDBOX_FAULTS.
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { Cluster } from "./cluster.js";
import { clusterApi } from "./cluster-api.js";
import { startBuiltinControllers } from "./controllers/index.js";
import { kubeFaultPlanner } from "./faults.js";
import { kubeHandler } from "./http.js";
import type { ClusterPki } from "./pki.js";
import { ObjectStore } from "./store.js";
import type { ClusterApi } from "./types.js";
import { parseFaultSpec, type FaultSpec } from "../hcloud/faults.js";

export type { ClusterPki } from "./pki.js";
export { makeClusterPki } from "./pki.js";
export { kubeconfigYaml, kubeconfigObject, type KubeconfigInput } from "./kubeconfig.js";

export interface KubeApiServerOptions {
  /** The cluster's name (kind's `--name`); used in messages. */
  name: string;
  /** Where the objects persist (JSON, written atomically); loaded when it exists. */
  dataFile: string;
  /** 0 or absent: an ephemeral port. Give the same port on a restart to keep kubeconfigs working. */
  port?: number;
  pki: ClusterPki;
  /** What /version answers, e.g. "v1.33.1". */
  serverVersion: string;
  /** Default: parseFaultSpec(process.env.HK_SANDBOX_FAULTS). */
  faults?: FaultSpec | undefined;
}

export interface KubeApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  /** In-process API for simulated controllers (same write path as HTTP). */
  api: ClusterApi;
  /** Refuses connections for `downMs` (open watches drop), then listens on the same port again. */
  restart(downMs: number): Promise<void>;
  /** Stops the controllers and the listener, and writes the objects out. */
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export async function startKubeApiServer(opts: KubeApiServerOptions): Promise<KubeApiServer> {
  const store = new ObjectStore(opts.dataFile);
  await store.load();
  const cluster = new Cluster(store);
  cluster.serveStoredCrds();
  const api = clusterApi(cluster);
  for (const ns of SYSTEM_NAMESPACES) {
    if (!api.get("v1", "Namespace", undefined, ns)) api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }, "kube-apiserver");
  }

  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = opts.port ?? 0;
  let closed = false;
  let restarting: Promise<void> | undefined;
  const faults = "faults" in opts ? opts.faults : parseFaultSpec(process.env.HK_SANDBOX_FAULTS);

  const handler = kubeHandler({
    cluster,
    info: { version: opts.serverVersion },
    token: opts.pki.token,
    nextFault: kubeFaultPlanner(faults),
    restart: (downMs) => void restart(downMs),
  });

  const listen = async (): Promise<void> => {
    const s = createServer({ key: opts.pki.serverKey, cert: opts.pki.serverCert, ca: [opts.pki.caCert], requestCert: true, rejectUnauthorized: false }, handler);
    s.on("connection", (sock: Socket) => {
      sockets.add(sock);
      sock.on("close", () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        s.off("error", reject);
        resolve();
      });
    });
    const addr = s.address();
    if (addr && typeof addr === "object") port = addr.port;
    server = s;
  };

  const stopListening = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    const done = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const sock of sockets) sock.destroy();
    await done;
  };

  const restart = (downMs: number): Promise<void> => {
    if (restarting) return restarting;
    restarting = (async () => {
      await stopListening();
      await new Promise((r) => setTimeout(r, downMs));
      if (!closed) await listen();
    })().finally(() => (restarting = undefined));
    return restarting;
  };

  await listen();
  const stopControllers = startBuiltinControllers(api, { caCertPem: opts.pki.caCert });

  return {
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    api,
    restart,
    async close() {
      if (closed) return;
      closed = true;
      stopControllers();
      await restarting?.catch(() => undefined);
      await stopListening();
      await store.close();
    },
  };
}
