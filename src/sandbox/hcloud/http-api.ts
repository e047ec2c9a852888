// The HTTP face of the emulator: faults, auth, rate limit, routing, JSON in and out. A mutating
// request runs against a copy-on-write snapshot (a failed request changes nothing) and is on disk
// before its answer leaves. 204s carry no body and no JSON content type (hcloud-go would choke).
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./errors.js";
import { faultPlanner, type Fault, type FaultSpec } from "./faults.js";
import type { Project } from "./project.js";
import { RateLimiter } from "./rate-limit.js";
import type { Reply, Router } from "./router.js";
import { readBody } from "../read-body.js";

/** Tokens with this prefix are read-only: any non-GET answers 401 token_readonly. */
export const READ_ONLY_TOKEN_PREFIX = "ro-";
const MAX_BODY = 1024 * 1024;

export interface ApiOptions {
  project: Project;
  router: Router;
  rateLimit: number;
  faults?: FaultSpec | undefined;
  /** Called after every request so the owner can re-arm its action timer. */
  afterRequest?: () => void;
}

const SERVER_ERRORS = { 500: "server_error", 502: "bad_gateway", 503: "unavailable", 504: "timeout" } as const;

export function apiHandler(opts: ApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = new RateLimiter(opts.rateLimit);
  const nextFault = opts.faults && opts.faults.rate > 0 ? faultPlanner(opts.faults) : () => undefined;
  return (req, res) => {
    const fault = nextFault();
    readBody(req, MAX_BODY)
      .then((raw) => serve(opts, limiter, fault, req, res, raw))
      .catch((err: unknown) => {
        process.stderr.write(`hcloud sandbox: ${(err as Error).stack ?? String(err)}\n`);
        if (!res.headersSent) send(res, {}, new ApiError(500, "server_error", "internal error in the sandbox"));
      })
      .finally(() => opts.afterRequest?.());
  };
}

async function serve(opts: ApiOptions, limiter: RateLimiter, fault: Fault | undefined, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
  if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.kind === "drop" && !fault.afterEffect) return void req.socket.destroy();
  const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  const token = auth?.[1];
  const rate = limiter.take(token ?? `anon:${req.socket.remoteAddress ?? ""}`);
  if (fault?.kind === "rate_limit" || !rate.allowed) return send(res, rate.headers, new ApiError(429, "rate_limit_exceeded", "limit of requests per hour reached"));
  if (fault?.kind === "server_error") return sendServerError(res, rate.headers, fault.status);

  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
  const reply = await handle(opts, req.method ?? "GET", url, token, raw).catch((err: unknown) => {
    if (err instanceof ApiError) return err;
    throw err;
  });
  if (fault?.kind === "drop") return void req.socket.destroy();
  send(res, rate.headers, reply);
}

async function handle(opts: ApiOptions, method: string, url: URL, token: string | undefined, raw: Buffer): Promise<Reply> {
  if (!url.pathname.startsWith("/v1/")) throw new ApiError(404, "not_found", "not found");
  if (!token) throw new ApiError(401, "unauthorized", "unable to authenticate");
  const match = opts.router.match(method, url.pathname.slice(3));
  if ("error" in match) throw match.error;
  if (method !== "GET" && token.startsWith(READ_ONLY_TOKEN_PREFIX)) throw new ApiError(401, "token_readonly", "the token is read-only");
  const body = parseBody(method, raw);
  const { project } = opts;
  project.settle();
  const before = method === "GET" ? undefined : structuredClone(project.data);
  try {
    const reply = match.route.handler({ project, params: match.params, query: url.searchParams, body, url });
    await project.store.flush();
    return reply;
  } catch (err) {
    if (before) project.store.data = before;
    throw err;
  }
}

function parseBody(method: string, raw: Buffer): Record<string, unknown> {
  if (method === "GET" || method === "DELETE" || raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiError(400, "json_error", "the request body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new ApiError(400, "json_error", "the request body must be a JSON object");
  return parsed as Record<string, unknown>;
}

function sendServerError(res: ServerResponse, headers: Record<string, string>, status: keyof typeof SERVER_ERRORS): void {
  // 502/504 come from the proxy in front of the API for real: HTML, not the JSON envelope.
  if (status === 502 || status === 504) {
    res.writeHead(status, { ...headers, "Content-Type": "text/html" });
    res.end(`<html><body><h1>${status} ${status === 502 ? "Bad Gateway" : "Gateway Timeout"}</h1></body></html>\n`);
    return;
  }
  send(res, headers, new ApiError(status, SERVER_ERRORS[status], "the API is having a problem; try again"));
}

function send(res: ServerResponse, headers: Record<string, string>, reply: Reply | ApiError): void {
  const r: Reply = reply instanceof ApiError ? { status: reply.status, body: reply.toJSON() } : reply;
  if (r.status === 204 || r.body === undefined) {
    res.writeHead(r.status, { ...headers, ...r.headers });
    res.end();
    return;
  }
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, { ...headers, ...r.headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
