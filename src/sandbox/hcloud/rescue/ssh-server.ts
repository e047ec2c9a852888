// The rescue system's SSH endpoint. Clients log in as root with a public key; the key picks the
// server: one booted into rescue with that key among its rescue keys. If several rescued servers
// share the key, the one that booted into rescue most recently wins (use a fresh key per build).
import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import ssh2, { type Connection, type ServerChannel } from "ssh2";

// ssh2 is CommonJS: Node's ESM loader only offers its default export.
const { Server, utils } = ssh2;
import type { Project } from "../project.js";
import { serverTypeByName } from "../types-catalog.js";
import type { ServerRec } from "../world-types.js";
import type { RescueHost } from "./commands.js";
import { runCommandLine } from "./run.js";

export interface RescueSsh {
  host: string;
  port: number;
  close(): Promise<void>;
}

function keyBlob(publicKey: string): Buffer | undefined {
  const parsed = utils.parseKey(publicKey);
  if (parsed instanceof Error || Array.isArray(parsed)) return undefined;
  return parsed.getPublicSSH();
}

function sameBlob(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The rescued, running server this key opens, newest rescue boot first. */
export function rescuedServerFor(p: Project, blob: Buffer): { server: ServerRec; key: string } | undefined {
  const candidates = p.data.servers
    .filter((s) => s.status === "running" && s.inRescue)
    .flatMap((s) => (s.inRescue?.keys ?? []).filter((k) => { const b = keyBlob(k); return b !== undefined && sameBlob(b, blob); }).map((key) => ({ server: s, key })))
    .sort((a, b) => (b.server.inRescue?.bootedAt ?? 0) - (a.server.inRescue?.bootedAt ?? 0) || b.server.id - a.server.id);
  return candidates[0];
}

function hostFor(p: Project, serverId: number): RescueHost {
  const s = p.data.servers.find((x) => x.id === serverId);
  return {
    arch: serverTypeByName(s?.serverType ?? "")?.architecture ?? "x86",
    async writeDisk(rec) {
      const live = p.data.servers.find((x) => x.id === serverId);
      if (!live) return;
      live.disk = { source: rec.source, bytes: rec.bytes, sha256: rec.sha256, writtenAt: p.iso() };
      p.touch();
      await p.store.flush();
    },
  };
}

function exec(p: Project, serverId: number, channel: ServerChannel, command: string): void {
  const s = p.data.servers.find((x) => x.id === serverId);
  if (!s?.inRescue) {
    channel.stderr.write("Connection to the rescue system lost: the server left rescue mode\n");
    channel.exit(255);
    channel.end();
    return;
  }
  runCommandLine(command, { stdin: channel, stdout: channel, stderr: channel.stderr }, hostFor(p, serverId))
    .then((code) => {
      channel.exit(code);
      channel.end();
    })
    .catch((err: unknown) => {
      channel.stderr.write(`sandbox: ${(err as Error).message}\n`);
      channel.exit(1);
      channel.end();
    });
}

function onClient(p: Project, client: Connection): void {
  let serverId: number | undefined;
  client.on("authentication", (ctx) => {
    if (ctx.method !== "publickey" || ctx.username !== "root") return ctx.reject(["publickey"]);
    const found = rescuedServerFor(p, ctx.key.data);
    if (!found) return ctx.reject(["publickey"]);
    if (!ctx.signature) return ctx.accept();
    const parsed = utils.parseKey(found.key);
    if (parsed instanceof Error || Array.isArray(parsed) || !ctx.blob) return ctx.reject(["publickey"]);
    if (parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(["publickey"]);
    serverId = found.server.id;
    ctx.accept();
  });
  client.on("ready", () => {
    client.on("session", (accept) => {
      const session = accept();
      session.on("pty", (ok) => ok());
      session.on("env", (ok) => ok());
      session.on("shell", (_ok, reject) => reject());
      session.on("exec", (ok, _reject, info) => {
        if (serverId !== undefined) exec(p, serverId, ok(), info.command);
      });
    });
  });
  client.on("error", () => undefined);
}

export function startRescueSsh(p: Project, hostKey: string, port = 0): Promise<RescueSsh> {
  const server = new Server({ hostKeys: [hostKey], ident: "OpenSSH_9.2p1 Debian-2+deb12u3" }, (client) => onClient(p, client));
  const clients = new Set<Connection>();
  server.on("connection", (c) => {
    clients.add(c);
    c.on("close", () => clients.delete(c));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address() as AddressInfo;
      resolve({
        host: "127.0.0.1",
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            for (const c of clients) c.end();
            server.close(() => done());
          }),
      });
    });
  });
}
