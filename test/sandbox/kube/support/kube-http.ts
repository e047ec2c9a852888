// Raw HTTPS requests to an emulated API server (the cluster CA trusted, the bearer token sent
// unless told otherwise) and a line reader of watch streams, for protocol-level checks.
import { request, type RequestOptions } from "node:https";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { ClusterPki } from "../../../../src/sandbox/kube/index.js";

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

export interface RequestInput {
  method?: string;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** false: no Authorization header; a string: that token. */
  token?: string | false;
}

const bodyText = (body: unknown) => (typeof body === "string" ? body : JSON.stringify(body));

function options(url: string, pki: ClusterPki, input: RequestInput): RequestOptions {
  const u = new URL(url);
  const headers: Record<string, string> = { Accept: input.accept ?? "application/json" };
  if (input.token !== false) headers.Authorization = `Bearer ${input.token ?? pki.token}`;
  if (input.body !== undefined) {
    headers["Content-Type"] = input.contentType ?? "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(bodyText(input.body)));
  }
  return { method: input.method ?? "GET", host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, ca: pki.caCert, headers };
}

export function kubeRequest(base: string, pki: ClusterPki, path: string, input: RequestInput = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(options(`${base}${path}`, pki, input), (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON (404 page, health text)
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (input.body !== undefined) req.write(bodyText(input.body));
    req.end();
  });
}

export interface WatchLine {
  type: string;
  object: Record<string, unknown> & { metadata?: Record<string, unknown> };
}

/** An open watch: its headers, and the events as they arrive. */
export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Resolves with the next event (in order), or rejects after `timeoutMs` naming what it waited for. */
  next(what: string, timeoutMs?: number): Promise<WatchLine>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function openWatch(base: string, pki: ClusterPki, path: string, accept?: string): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = request(options(`${base}${path}`, pki, accept ? { accept } : {}), (res: IncomingMessage) => {
      const lines: WatchLine[] = [];
      const waiters: ((l: WatchLine) => void)[] = [];
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = JSON.parse(buf.slice(0, i)) as WatchLine;
          buf = buf.slice(i + 1);
          const w = waiters.shift();
          if (w) w(line);
          else lines.push(line);
        }
      });
      const ended = new Promise<void>((r) => res.on("close", () => r()));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        next(what, timeoutMs = 10_000) {
          const ready = lines.shift();
          if (ready) return Promise.resolve(ready);
          return new Promise((res2, rej) => {
            const timer = setTimeout(() => rej(new Error(`no watch event within ${timeoutMs} ms: waited for ${what}`)), timeoutMs);
            waiters.push((l) => {
              clearTimeout(timer);
              res2(l);
            });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}
