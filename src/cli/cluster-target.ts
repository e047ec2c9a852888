// A cluster config's target: the stack plus the resource types, talking to the real world (the
// Hetzner API with HCLOUD_TOKEN, checked before anything is planned; kind and clusterctl on PATH)
// or to the sandbox world (--sandbox: its emulators, and its emulated kind and clusterctl first on
// PATH), with the same resource code either way.
import type { ClusterConfig } from "../config/schema.js";
import { registry, type AnyResourceType } from "../engine/resource.js";
import { statePaths } from "../engine/state-file.js";
import { HcloudClient, hcloudClientFromEnv } from "../providers/hcloud/index.js";
import { talosFactory } from "../providers/talos-factory.js";
import { capiClusterType, capiPivotType, capiProvidersType } from "../resources/capi/index.js";
import { clusterStack } from "../resources/cluster.js";
import { capiConsequences, type CapiSpec } from "../resources/capi/consequences.js";
import { capiServerCosts } from "../resources/capi/cost.js";
import { hcloudResourceTypes, type SshTarget } from "../resources/hcloud/index.js";
import { kindClusterType } from "../resources/kind/index.js";
import { kubeObjectsType } from "../resources/kube/index.js";
import { dirname, join } from "node:path";
import { prepareProviderRepository } from "../providers/clusterctl-repository.js";
import { checkDocker, checkKind } from "../providers/tool-versions.js";
import { providerSet } from "../resources/capi/graph.js";
import { configChecks, hcloudChecks } from "../resources/capi/preflight.js";
import { paths, type GlobalOptions } from "./options.js";
import type { Target } from "./session.js";

/** Why kind cannot make a bootstrap cluster now (the emulated kind needs no Docker), or undefined. */
function bootstrapCheck(toolEnv: Record<string, string> | undefined): () => Promise<string | undefined> {
  let answer: Promise<string | undefined> | undefined;
  return () =>
    (answer ??= (async () => {
      const env = { ...process.env, ...toolEnv };
      const checks = toolEnv ? [checkKind(env)] : [checkKind(env), checkDocker(env)];
      const failed = (await Promise.all(checks)).filter((f) => !f.ok);
      return failed.length === 0 ? undefined : failed.map((f) => f.message).join("; ");
    })());
}

interface TypeOptions {
  toolEnv?: Record<string, string> | undefined;
  price: boolean;
  destroying: boolean;
  /** Real mode: the local provider repository's clusterctl config, filled once from the release downloads. */
  clusterctlConfig?: () => Promise<string>;
}

function typesFor(client: HcloudClient, factoryUrl: string, ssh: SshTarget | undefined, o: TypeOptions): AnyResourceType[] {
  const toolEnv = o.toolEnv;
  const clusterctl = async () => ({ ...(toolEnv ? { env: toolEnv } : {}), ...(o.clusterctlConfig ? { configPath: await o.clusterctlConfig() } : {}) });
  const teardown = { destroying: o.destroying, bootstrapUnusable: bootstrapCheck(toolEnv) };
  return [
    ...hcloudResourceTypes({ client, factory: talosFactory({ url: factoryUrl }), ...(ssh ? { ssh } : {}) }),
    kindClusterType(toolEnv ? { env: toolEnv } : {}),
    kubeObjectsType(),
    capiProvidersType({ clusterctl, destroying: o.destroying }),
    capiClusterType({
      ...teardown,
      consequences: (before, after) => capiConsequences(before as CapiSpec | undefined, after as unknown as CapiSpec),
      ...(o.price ? { price: (shape) => capiServerCosts(client, shape as unknown as CapiSpec) } : {}),
    }),
    capiPivotType({ clusterctl, ...teardown }),
  ];
}

/** `connect: "write"`: the token is checked for write access too (apply, destroy), before anything is planned. */
export async function openClusterTarget(config: ClusterConfig, opts: GlobalOptions, sandboxDir: string, connect: boolean | "write", destroying = false): Promise<Target> {
  const statePath = statePaths(paths(opts).state).state;
  if (!connect) {
    // Shape only (validate, graph): clients exist but are never called.
    const client = HcloudClient.create({ token: "offline", endpoint: "http://127.0.0.1:9/v1" });
    return { stack: clusterStack(config, { statePath, hcloudToken: "offline" }), registry: registry(typesFor(client, config.talos.imageFactory, undefined, { price: false, destroying })), close: async () => undefined };
  }
  let client: HcloudClient;
  let factoryUrl = config.talos.imageFactory;
  let ssh: SshTarget | undefined;
  let close = async () => undefined as void;
  let warnings: string[] = [];
  let toolEnv: Record<string, string> | undefined;
  let token: string;
  if (opts.sandbox) {
    const { openSandbox } = await import("../sandbox/world.js");
    const { sandboxToolEnv } = await import("../sandbox/tools-env.js");
    const conn = await openSandbox(sandboxDir);
    token = "sandbox";
    client = HcloudClient.create({ token, endpoint: conn.hcloudEndpoint });
    factoryUrl = conn.factoryUrl;
    ssh = conn.ssh;
    close = () => conn.close();
    warnings = conn.warnings;
    toolEnv = sandboxToolEnv(sandboxDir);
  } else {
    client = hcloudClientFromEnv();
    token = process.env.HCLOUD_TOKEN?.trim() ?? "";
    await client.verify();
    if (connect === "write") await client.verifyWritable();
  }
  // No run spends GitHub API quota: clusterctl reads the providers from files hk fetched once.
  const repository = join(dirname(statePath), "clusterctl-repository");
  let config_: Promise<string> | undefined;
  const clusterctlConfig = opts.sandbox ? undefined : () => (config_ ??= prepareProviderRepository(repository, providerSet(config)));
  const types = typesFor(client, factoryUrl, ssh, { toolEnv, price: true, destroying, ...(clusterctlConfig ? { clusterctlConfig } : {}) });
  const preflight = async () => [...configChecks(config), ...(await hcloudChecks(client, config))].filter((f) => !f.ok);
  return { stack: clusterStack(config, { statePath, hcloudToken: token }), registry: registry(types), preflight, close, ...(warnings.length > 0 ? { warnings } : {}) };
}
