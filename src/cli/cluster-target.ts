// A cluster config's target: the stack plus the Hetzner resource types, talking to the real API
// (HCLOUD_TOKEN, checked before anything is planned) or to the sandbox world (--sandbox).
import type { ClusterConfig } from "../config/schema.js";
import { registry } from "../engine/resource.js";
import { HcloudClient, hcloudClientFromEnv } from "../providers/hcloud/index.js";
import { talosFactory } from "../providers/talos-factory.js";
import { clusterStack } from "../resources/cluster.js";
import { hcloudResourceTypes, type SshTarget } from "../resources/hcloud/index.js";
import type { GlobalOptions } from "./options.js";
import type { Target } from "./session.js";

/** `connect: "write"`: the token is checked for write access too (apply, destroy), before anything is planned. */
export async function openClusterTarget(config: ClusterConfig, opts: GlobalOptions, sandboxDir: string, connect: boolean | "write"): Promise<Target> {
  if (!connect) {
    // Shape only (validate, graph): clients exist but are never called.
    const client = HcloudClient.create({ token: "offline", endpoint: "http://127.0.0.1:9/v1" });
    const types = hcloudResourceTypes({ client, factory: talosFactory({ url: config.talos.imageFactory }) });
    return { stack: clusterStack(config, undefined), registry: registry(types), close: async () => undefined };
  }
  let client: HcloudClient;
  let factoryUrl = config.talos.imageFactory;
  let ssh: SshTarget | undefined;
  let close = async () => undefined as void;
  let warnings: string[] = [];
  if (opts.sandbox) {
    const { openSandbox } = await import("../sandbox/world.js");
    const conn = await openSandbox(sandboxDir);
    client = HcloudClient.create({ token: "sandbox", endpoint: conn.hcloudEndpoint });
    factoryUrl = conn.factoryUrl;
    ssh = conn.ssh;
    close = () => conn.close();
    warnings = conn.warnings;
  } else {
    client = hcloudClientFromEnv();
    await client.verify();
    if (connect === "write") await client.verifyWritable();
  }
  const types = hcloudResourceTypes({ client, factory: talosFactory({ url: factoryUrl }), ...(ssh ? { ssh } : {}) });
  return { stack: clusterStack(config, client), registry: registry(types), close, ...(warnings.length > 0 ? { warnings } : {}) };
}
