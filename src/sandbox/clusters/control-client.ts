// The other end of the control endpoint: what the emulated `kind` (a separate process) uses to
// reach the world's holder. It finds the holder through the world lock, as kind finds Docker
// through its socket; no holder, a dead one, or one without a control endpoint is a WorldUnreachable.
import { servedWorld } from "../world-lock.js";
import type { ControlEndpoint } from "./control-server.js";
import type { ClusterInfo, CreateClusterRequest } from "./types.js";

/** Nobody serves the world in `dir` (or it cannot be reached); `message` says which. */
export class WorldUnreachable extends Error {
  override readonly name = "WorldUnreachable";
}

export class ControlError extends Error {
  override readonly name = "ControlError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

const START_HINT = "start it with `hk sandbox serve` (or pass its folder in HK_SANDBOX_DIR)";

/** The control endpoint of whoever holds the world in `dir`. */
export async function findControl(dir: string): Promise<ControlEndpoint> {
  const served = await servedWorld(dir);
  if (!served) throw new WorldUnreachable(`no sandbox world is served in ${dir}; ${START_HINT}`);
  const control = served.urls?.control;
  if (!control) throw new WorldUnreachable(`the sandbox world in ${dir} is held by ${served.holder.command} (pid ${served.holder.pid}), which does not serve clusters; restart it with \`hk sandbox serve\``);
  return control;
}

export class ControlClient {
  constructor(
    private readonly endpoint: ControlEndpoint,
    private readonly dir: string,
  ) {}

  static async open(dir: string): Promise<ControlClient> {
    return new ControlClient(await findControl(dir), dir);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.endpoint.url + path, {
        method,
        headers: { Authorization: `Bearer ${this.endpoint.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new WorldUnreachable(`the sandbox world in ${this.dir} does not answer at ${this.endpoint.url} (${cause}); ${START_HINT}`);
    }
    if (!res.ok && res.status !== 404) {
      const text = await res.text();
      let parsed: { error?: { code?: string; message?: string } } = {};
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        // not ours
      }
      throw new ControlError(parsed.error?.message ?? `${method} ${path}: HTTP ${res.status}`, res.status, parsed.error?.code ?? "unknown");
    }
    return res;
  }

  async list(): Promise<ClusterInfo[]> {
    return ((await (await this.call("GET", "/v1/clusters")).json()) as { clusters: ClusterInfo[] }).clusters;
  }

  async get(name: string): Promise<ClusterInfo | undefined> {
    const res = await this.call("GET", `/v1/clusters/${encodeURIComponent(name)}`);
    return res.status === 404 ? undefined : ((await res.json()) as { cluster: ClusterInfo }).cluster;
  }

  async create(req: CreateClusterRequest): Promise<ClusterInfo> {
    return ((await (await this.call("POST", "/v1/clusters", req)).json()) as { cluster: ClusterInfo }).cluster;
  }

  /** false when there was no such cluster. */
  async delete(name: string): Promise<boolean> {
    return (await this.call("DELETE", `/v1/clusters/${encodeURIComponent(name)}`)).status !== 404;
  }

  /** undefined when there is no such cluster. */
  async ready(name: string): Promise<boolean | undefined> {
    const res = await this.call("GET", `/v1/clusters/${encodeURIComponent(name)}/ready`);
    return res.status === 404 ? undefined : ((await res.json()) as { ready: boolean }).ready;
  }

  async kubeconfig(name: string, opts: { context: string; internal: boolean }): Promise<string | undefined> {
    const q = new URLSearchParams({ context: opts.context, internal: String(opts.internal) });
    const res = await this.call("GET", `/v1/clusters/${encodeURIComponent(name)}/kubeconfig?${q}`);
    return res.status === 404 ? undefined : res.text();
  }
}
