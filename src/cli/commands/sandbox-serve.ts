// hk sandbox serve: the sandbox world in the foreground, for other terminals and real clients
// (hcloud CLI, python, kubectl, helm, the sandbox's kind) to use. Prints the endpoint line and the
// Kubernetes clusters it serves (and each one made or deleted while it runs), serves until Ctrl-C.
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

function describeCluster(c: { name: string; kind: string; serverVersion: string; server: string }): string {
  return `Kubernetes cluster ${c.name} (${c.kind}, ${c.serverVersion}): ${c.server}`;
}

export default async function serve(opts: Options): Promise<number> {
  const dir = opts.dir ? resolve(opts.dir) : paths({ config: opts.config, sandbox: true, color: false, json: false }).sandboxDir;
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new AbortError(`--port ${opts.port}: expected a port number`);
  const { serveSandbox } = await import("../../sandbox/world.js");
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const conn = await serveSandbox(dir, {
    ...(port === undefined ? {} : { port }),
    ...(opts.faults ? { faults: parseFaults(opts.faults) } : {}),
    onCluster: (e) => say(e.type === "created" ? `# ${describeCluster(e.cluster)} (new)` : `# Kubernetes cluster ${e.name} deleted`),
  });
  say(`HCLOUD_ENDPOINT=${conn.hcloudEndpoint}`);
  say(`# Talos Image Factory: ${conn.factoryUrl}   rescue SSH: ${conn.ssh.host}:${conn.ssh.port}`);
  const clusters = conn.clusters?.list() ?? [];
  if (clusters.length === 0) say(`# Kubernetes clusters: none yet (in another terminal: eval "$(hk sandbox env)"; kind create cluster)`);
  for (const c of clusters) say(`# ${describeCluster(c)}`);
  say(`# world: ${dir}; any HCLOUD_TOKEN works. Ctrl-C to stop.`);
  await new Promise<void>((done) => {
    const stop = () => {
      void conn.close().finally(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}
