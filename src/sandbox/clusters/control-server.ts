// The world's control endpoint, like Docker's socket for kind: a loopback HTTP API through which
// the emulated `kind` (another process) asks the world's holder to make, list and delete clusters.
// Its URL and bearer token are published in the world lock (0600), so only this user finds it.
//
//   GET    /v1/clusters                   {clusters: ClusterInfo[]}
//   POST   /v1/clusters                   CreateClusterRequest -> 201 {cluster} | 409 exists | 400
//   GET    /v1/clusters/NAME              {cluster} | 404
//   GET    /v1/clusters/NAME/kubeconfig   YAML (?context=kind-NAME&internal=true) | 404
//   GET    /v1/clusters/NAME/ready        {ready: boolean} (control-plane Nodes Ready) | 404
//   DELETE /v1/clusters/NAME              {deleted: true} | 404
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { AbortError } from "../../engine/errors.js";
import type { WorldClusters } from "./host.js";
import { ClusterExistsError, type CreateClusterRequest } from "./types.js";

export interface ControlEndpoint {
  url: string;
  token: string;
}

export interface ControlServer extends ControlEndpoint {
  close(): Promise<void>;
}

const createSchema = z.object({
  name: z.string(),
  kind: z.enum(["kind", "workload"]).default("kind"),
  serverVersion: z.string(),
  image: z.string().optional(),
  nodes: z.array(z.object({ name: z.string(), role: z.enum(["control-plane", "worker"]) })).optional(),
});

function send(res: ServerResponse, code: number, body: unknown, type = "application/json"): void {
  const text = type === "application/json" ? JSON.stringify(body) : String(body);
  res.writeHead(code, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const fail = (res: ServerResponse, code: number, reason: string, message: string) => send(res, code, { error: { code: reason, message } });

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown;
}

async function route(clusters: WorldClusters, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://control");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== "v1" || parts[1] !== "clusters" || parts.length > 4) return fail(res, 404, "not_found", `no such path: ${url.pathname}`);
  const name = parts[2];
  if (name === undefined) {
    if (req.method === "GET") return send(res, 200, { clusters: clusters.list() });
    if (req.method !== "POST") return fail(res, 405, "method_not_allowed", `${req.method} ${url.pathname}`);
    const parsed = createSchema.safeParse(await readBody(req));
    if (!parsed.success) return fail(res, 400, "invalid_input", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    try {
      return send(res, 201, { cluster: await clusters.create(parsed.data as CreateClusterRequest) });
    } catch (err) {
      if (err instanceof ClusterExistsError) return fail(res, 409, "exists", err.message);
      if (err instanceof AbortError) return fail(res, 400, "invalid_input", err.next ? `${err.message} (${err.next})` : err.message);
      throw err;
    }
  }
  const missing = () => fail(res, 404, "not_found", `no cluster named "${name}"`);
  if (parts[3] === "kubeconfig" && req.method === "GET") {
    const yaml = clusters.kubeconfig(name, { contextName: url.searchParams.get("context") ?? name, internal: url.searchParams.get("internal") === "true" });
    return yaml === undefined ? missing() : send(res, 200, yaml, "application/yaml");
  }
  if (parts[3] === "ready" && req.method === "GET") {
    const ready = clusters.ready(name);
    return ready === undefined ? missing() : send(res, 200, { ready });
  }
  if (parts[3] !== undefined) return fail(res, 404, "not_found", `no such path: ${url.pathname}`);
  if (req.method === "GET") {
    const c = clusters.get(name);
    return c ? send(res, 200, { cluster: c }) : missing();
  }
  if (req.method === "DELETE") return (await clusters.delete(name)) ? send(res, 200, { deleted: true }) : missing();
  return fail(res, 405, "method_not_allowed", `${req.method} ${url.pathname}`);
}

/** Serves `clusters` on 127.0.0.1 (an ephemeral port) to holders of the returned token. */
export async function startControlServer(clusters: WorldClusters): Promise<ControlServer> {
  const token = randomBytes(24).toString("hex");
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return fail(res, 401, "unauthorized", "the control endpoint needs the token published in the world's lock");
    route(clusters, req, res).catch((err: Error) => {
      if (!res.headersSent) fail(res, 500, "internal", err.message);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, bad) => {
    server.once("error", bad);
    server.listen(0, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
