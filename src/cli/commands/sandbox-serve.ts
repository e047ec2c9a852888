// hk sandbox serve: the sandbox world in the foreground, for other terminals and real clients
// (hcloud CLI, python) to use. Prints the endpoint line, serves until Ctrl-C.
import { resolve } from "node:path";
import { AbortError } from "../../engine/errors.js";
import { paths } from "../options.js";

interface Options {
  config: string;
  dir?: string;
  port?: string;
  faults?: string;
}

export function parseFaults(spec: string): { rate: number; seed: number } {
  const parts = Object.fromEntries(spec.split(",").map((kv) => kv.split("=").map((s) => s.trim()) as [string, string]));
  const rate = Number(parts.rate);
  const seed = parts.seed === undefined ? 1 : Number(parts.seed);
  if (!(rate >= 0 && rate <= 1) || !Number.isInteger(seed)) throw new AbortError(`--faults ${spec}: expected rate=<0..1>[,seed=<integer>], e.g. rate=0.1,seed=42`);
  return { rate, seed };
}

export default async function serve(opts: Options): Promise<number> {
  const dir = opts.dir ? resolve(opts.dir) : paths({ config: opts.config, sandbox: true, color: false, json: false }).sandboxDir;
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new AbortError(`--port ${opts.port}: expected a port number`);
  const { serveSandbox } = await import("../../sandbox/world.js");
  const conn = await serveSandbox(dir, { ...(port === undefined ? {} : { port }), ...(opts.faults ? { faults: parseFaults(opts.faults) } : {}) });
  process.stdout.write(`HCLOUD_ENDPOINT=${conn.hcloudEndpoint}\n`);
  process.stdout.write(`# Talos Image Factory: ${conn.factoryUrl}   rescue SSH: ${conn.ssh.host}:${conn.ssh.port}\n`);
  process.stdout.write(`# world: ${dir}; any HCLOUD_TOKEN works. Ctrl-C to stop.\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      void conn.close().finally(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
