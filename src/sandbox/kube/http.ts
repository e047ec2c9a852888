// The HTTPS face of one emulated API server: faults, authentication (a client certificate of the
// cluster CA, or the cluster's bearer token), the body, routing, and Status errors as JSON.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Cluster } from "./cluster.js";
import type { KubeFault } from "./faults.js";
import type { Reply, RequestContext } from "./request.js";
import { route, type ServerInfo } from "./routes.js";
import { errors, StatusError } from "./status.js";
import { readBody } from "../read-body.js";

const MAX_BODY = 8 * 1024 * 1024;

export interface HandlerOptions {
  cluster: Cluster;
  info: ServerInfo;
  token: string;
  nextFault: () => KubeFault | undefined;
  /** A fault asked for the server to go away for a moment. */
  restart: (downMs: number) => void;
}

function authenticated(req: IncomingMessage, token: string): boolean {
  if ((req.socket as TLSSocket).authorized) return true;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return m?.[1] === token;
}

export function kubeHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const fault = opts.nextFault();
    readBody(req, MAX_BODY)
      .then((raw) => serve(opts, fault, req, res, raw))
      .catch((err: unknown) => {
        process.stderr.write(`kube sandbox: ${(err as Error).stack ?? String(err)}\n`);
        if (!res.headersSent) send(res, statusReply(new StatusError(500, "InternalError", `Internal error occurred: ${(err as Error).message}`)));
        else res.end();
      });
  };
}

async function serve(opts: HandlerOptions, fault: KubeFault | undefined, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
  if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.kind === "restart") return opts.restart(fault.downMs);
  if (fault?.kind === "drop" && !fault.afterEffect) return void req.socket.destroy();
  if (fault?.kind === "rate_limit") return send(res, { status: 429, body: errors.tooManyRequests().toStatus(), headers: { "Retry-After": "1" } });
  if (fault?.kind === "server_error") return send(res, statusReply(errors.serverError(fault.status)));
  if (!authenticated(req, opts.token)) return send(res, statusReply(errors.unauthorized()));
  const ctx: RequestContext = { method: req.method ?? "GET", url: new URL(req.url ?? "/", "https://127.0.0.1"), req, res, raw };
  let reply: Reply;
  try {
    reply = route(opts.cluster, opts.info, ctx);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    reply = statusReply(err);
  }
  if (fault?.kind === "drop") return void req.socket.destroy();
  if (reply !== "streamed") send(res, reply);
}

function statusReply(err: StatusError): { status: number; body: unknown } {
  return { status: err.code, body: err.toStatus() };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply === "streamed") return;
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...reply.headers,
    "Content-Type": reply.contentType ?? "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  });
  res.end(text);
}
