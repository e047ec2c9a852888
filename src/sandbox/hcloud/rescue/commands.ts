// The rescue system's commands. The image pipeline is real: wget/curl fetch over HTTP, xz is the
// system binary, and dd hashes what reaches /dev/sda so the sandbox can tell what the disk holds.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { get } from "node:http";
import type { IncomingMessage } from "node:http";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface StageIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** What one pipeline shares: the URL a download stage fetched (dd records it as the source). */
export interface PipelineState {
  source?: string;
}

export interface RescueHost {
  arch: "x86" | "arm";
  /** Records a finished write to the server's disk. */
  writeDisk(rec: { device: string; source: string; bytes: number; sha256: string }): Promise<void>;
}

export type Command = (args: string[], io: StageIO, host: RescueHost, state: PipelineState) => Promise<number>;

const XZ = "/usr/bin/xz";

function fetchUrl(url: string, redirects = 5): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (!url.startsWith("http://")) return reject(new Error(`unsupported scheme in ${url} (the sandbox is offline: only http:// works)`));
    const req = get(url, (res) => {
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc && redirects > 0) {
        res.resume();
        resolve(fetchUrl(new URL(loc, url).href, redirects - 1));
      } else resolve(res);
    });
    req.on("error", reject);
  });
}

/** wget -O - URL / curl -fsSL URL: stream the body to stdout; exit codes as the real tools use. */
function download(tool: "wget" | "curl"): Command {
  return async (args, io, _host, state) => {
    const urls = args.filter((a, i) => !a.startsWith("-") && !["-O", "-o", "--output", "--output-document"].includes(args[i - 1] ?? ""));
    const outIdx = args.findIndex((a) => a === "-O" || a === "-o" || a === "--output-document" || a === "--output");
    const inline = args.find((a) => a.startsWith("-O") && a.length > 2) ?? args.find((a) => a.startsWith("--output-document="));
    const out = outIdx >= 0 ? args[outIdx + 1] : inline?.replace(/^-O|^--output-document=/, "");
    const url = urls[0];
    if (!url) {
      io.stderr.write(`${tool}: missing URL\n`);
      return tool === "wget" ? 1 : 2;
    }
    if (tool === "wget" ? out !== "-" : out !== undefined && out !== "-") {
      io.stderr.write(`${tool}: only writing to stdout (-O -) is supported in the sandbox rescue system\n`);
      return tool === "wget" ? 3 : 23;
    }
    state.source = url;
    let res: IncomingMessage;
    try {
      res = await fetchUrl(url);
    } catch (err) {
      io.stderr.write(`${tool}: unable to fetch ${url}: ${(err as Error).message}\n`);
      return tool === "wget" ? 4 : 7;
    }
    if ((res.statusCode ?? 500) >= 400) {
      res.resume();
      io.stderr.write(tool === "wget" ? `ERROR ${res.statusCode}: ${res.statusMessage}.\n` : `curl: (22) The requested URL returned error: ${res.statusCode}\n`);
      if (tool === "wget") return 8;
      if (args.some((a) => /^-[a-zA-Z]*f/.test(a) || a === "--fail")) return 22;
    }
    try {
      await pipeline(res, io.stdout);
      return 0;
    } catch {
      return tool === "wget" ? 3 : 23;
    }
  };
}

/** xz -cd / -dc / -d -c / xzcat: the real binary, fed from stdin; file arguments are refused. */
const xz: Command = async (args, io) => {
  const flags = args.filter((a) => a.startsWith("-"));
  const files = args.filter((a) => !a.startsWith("-"));
  const decompress = flags.some((f) => f === "--decompress" || (/^-[a-zA-Z0-9]+$/.test(f) && f.includes("d")));
  // With no file arguments xz filters stdin to stdout anyway; -c only matters for files.
  if (!decompress || files.length > 0) {
    io.stderr.write("xz: only decompressing stdin to stdout (xz -cd) is supported in the sandbox rescue system\n");
    return 1;
  }
  return runBinary(XZ, ["-dc"], io);
};

function runBinary(bin: string, argv: string[], io: StageIO): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(bin, argv, { stdio: ["pipe", "pipe", "pipe"] });
    let done = false;
    io.stdin.pipe(child.stdin).on("error", () => undefined);
    child.stdout.pipe(io.stdout);
    child.stderr.on("data", (d: Buffer) => io.stderr.write(d));
    // The reader went away (downstream stage ended): the real tool would die of SIGPIPE.
    const gone = () => void (done || child.kill("SIGPIPE"));
    io.stdout.on("error", gone).on("close", gone);
    child.on("error", (err) => {
      io.stderr.write(`${bin}: ${err.message}\n`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      done = true;
      io.stdin.unpipe(child.stdin);
      resolve(code ?? (signal === "SIGPIPE" ? 141 : 128));
    });
  });
}

/** dd of=/dev/sda: counts and hashes stdin; the disk changes only when bytes arrived. */
const dd: Command = async (args, io, host, state) => {
  const opts = new Map(args.map((a) => [a.split("=")[0] ?? "", a.slice(a.indexOf("=") + 1)] as const));
  const of = opts.get("of");
  if (opts.has("if") || !of) {
    io.stderr.write("dd: only reading stdin into of=/dev/sda is supported in the sandbox rescue system\n");
    return 1;
  }
  if (of !== "/dev/sda") {
    io.stderr.write(`dd: failed to open '${of}': No such file or directory\n`);
    return 1;
  }
  const started = Date.now();
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of io.stdin) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  const bs = 4 * 1024 * 1024;
  const records = `${Math.floor(bytes / bs)}+${bytes % bs > 0 ? 1 : 0}`;
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  io.stderr.write(`${records} records in\n${records} records out\n${bytes} bytes copied, ${secs.toFixed(3)} s, ${(bytes / secs / 1e6).toFixed(1)} MB/s\n`);
  if (bytes > 0) await host.writeDisk({ device: of, source: state.source ?? "stdin", bytes, sha256: hash.digest("hex") });
  return 0;
};

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

const simple: Record<string, Command> = {
  true: () => Promise.resolve(0),
  ":": () => Promise.resolve(0),
  false: () => Promise.resolve(1),
  sync: () => Promise.resolve(0),
  hostname: (_a, io) => (io.stdout.write("rescue\n"), Promise.resolve(0)),
  echo: (args, io) => (io.stdout.write(args.join(" ") + "\n"), Promise.resolve(0)),
  uname: (args, io, host) => {
    const machine = host.arch === "arm" ? "aarch64" : "x86_64";
    io.stdout.write(args.includes("-a") ? `Linux rescue 6.12.0-hetzner-rescue #1 SMP ${machine} GNU/Linux\n` : args.includes("-m") ? `${machine}\n` : "Linux\n");
    return Promise.resolve(0);
  },
  cat: (args, io) => {
    if (args.length === 1 && args[0] === "/etc/os-release") {
      io.stdout.write(OS_RELEASE);
      return Promise.resolve(0);
    }
    io.stderr.write(`cat: ${args.join(" ")}: No such file or directory\n`);
    return Promise.resolve(1);
  },
};

export const COMMANDS: Record<string, Command> = {
  ...simple,
  wget: download("wget"),
  curl: download("curl"),
  xz,
  xzcat: (args, io, host, state) => xz(["-dc", ...args], io, host, state),
  dd,
};
