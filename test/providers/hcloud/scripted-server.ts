// A named test seam: a loopback HTTP server whose every answer a test scripts, for the client's
// retry, timeout, rate-limit and pagination paths that a well-behaved API never takes on demand.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | "drop"
  | "hang";

export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function scriptedServer(answer: (req: SeenRequest, n: number) => Answer | Promise<Answer>): Promise<ScriptedServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const raw = Buffer.concat(chunks).toString("utf8");
      const r: SeenRequest = { method: req.method ?? "GET", path: url.pathname.replace(/^\/v1/, ""), query: url.searchParams, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(r);
      void Promise.resolve(answer(r, seen.length)).then((a) => {
        if (a === "drop") return void req.socket.destroy();
        if (a === "hang") return;
        const body = a.body === undefined ? "" : JSON.stringify(a.body);
        res.writeHead(a.status, { ...(body ? { "Content-Type": "application/json" } : {}), ...a.headers });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const ok = (body: unknown, headers: Record<string, string> = {}): Answer => ({ status: 200, body, headers });
export const apiErr = (status: number, code: string, message = code, headers: Record<string, string> = {}): Answer => ({ status, body: { error: { code, message, details: null } }, headers });
export const action = (id: number, status: "running" | "success" | "error" = "running", error?: { code: string; message: string }) => ({
  id,
  command: "test_action",
  status,
  progress: status === "running" ? 0 : 100,
  started: "2026-01-01T00:00:00Z",
  finished: status === "running" ? null : "2026-01-01T00:00:01Z",
  resources: [],
  error: error ?? null,
});
export const page = (key: string, items: unknown[], next: number | null) => ({ [key]: items, meta: { pagination: { page: 1, per_page: 50, previous_page: null, next_page: next, last_page: null, total_entries: null } } });
