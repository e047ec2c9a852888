// A loopback proxy in front of the emulator that keeps every exchange, so tests can check each
// answer the real clients received against the OpenAPI schemas.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import type { Exchange } from "./openapi-check.js";

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.concat(chunks);
          const path = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/v1/, "");
          exchanges.push({ method: req.method ?? "GET", path, status: up.statusCode ?? 0, contentType: up.headers["content-type"], body: body.toString("utf8") });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    exchanges,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
