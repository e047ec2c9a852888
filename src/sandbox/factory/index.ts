// A Talos Image Factory for the sandbox: POST /schematics → {"id"}, GET /schematics/<id>, and
// GET /image/<schematic>/<version>/hcloud-<amd64|arm64>.raw.xz. Schematics persist in
// dir/factory.json when a dir is given (an unknown schematic is a 404, as for real).
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { writeFileAtomic } from "../../engine/atomic-file.js";
import { talosRawXz, type FactoryArch } from "./image.js";
import { canonicalYaml, parseSchematic, SchematicError, schematicId } from "./schematic.js";

export { talosRawImage, talosRawXz } from "./image.js";
export { canonicalYaml, parseSchematic, schematicId, OFFICIAL_EXTENSIONS } from "./schematic.js";

export interface ImageFactory {
  url: string;
  close(): Promise<void>;
}

export const FACTORY_FILE = "factory.json";
const VERSION = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/;
const DEFAULT_SCHEMATIC = "customization: {}\n";

async function loadSchematics(dir: string | undefined): Promise<Map<string, string>> {
  const map = new Map<string, string>([[schematicId({ extraKernelArgs: [], officialExtensions: [] }), DEFAULT_SCHEMATIC]]);
  if (!dir) return map;
  try {
    const saved = JSON.parse(await readFile(join(dir, FACTORY_FILE), "utf8")) as { schematics?: Record<string, string> };
    for (const [id, yaml] of Object.entries(saved.schematics ?? {})) map.set(id, yaml);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return map;
}

function text(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startImageFactory(opts: { port?: number; dir?: string } = {}): Promise<ImageFactory> {
  const schematics = await loadSchematics(opts.dir);
  const save = async () => {
    if (opts.dir) await writeFileAtomic(join(opts.dir, FACTORY_FILE), JSON.stringify({ schematics: Object.fromEntries(schematics) }, null, 1) + "\n", 0o600);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://factory").pathname;
    if (req.method === "POST" && path === "/schematics") {
      let id: string;
      try {
        const s = parseSchematic(await readAll(req));
        id = schematicId(s);
        if (!schematics.has(id)) {
          schematics.set(id, canonicalYaml(s));
          await save();
        }
      } catch (err) {
        if (err instanceof SchematicError) return text(res, 400, `${err.message}\n`);
        throw err;
      }
      return text(res, 201, JSON.stringify({ id }), "application/json");
    }
    const sch = /^\/schematics\/([0-9a-f]{64})$/.exec(path);
    if (req.method === "GET" && sch) {
      const yaml = schematics.get(sch[1] ?? "");
      return yaml ? text(res, 200, yaml, "application/yaml") : text(res, 404, "schematic not found\n");
    }
    const img = /^\/image\/([0-9a-f]{64})\/([^/]+)\/hcloud-(amd64|arm64)\.raw\.xz$/.exec(path);
    if ((req.method === "GET" || req.method === "HEAD") && img) {
      const [, id = "", version = "", arch = "amd64"] = img;
      if (!schematics.has(id)) return text(res, 404, "schematic not found\n");
      if (!VERSION.test(version)) return text(res, 404, `version ${version} not found\n`);
      const body = talosRawXz(id, version, arch as FactoryArch);
      res.writeHead(200, { "Content-Type": "application/x-xz", "Content-Length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    if (req.method === "GET" && path === "/versions") return text(res, 200, JSON.stringify(["v1.10.7", "v1.11.5", "v1.12.0"]), "application/json");
    text(res, 404, "not found\n");
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) text(res, 500, `${(err as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
