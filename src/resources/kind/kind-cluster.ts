// kind_cluster: a local kind cluster, the bootstrap cluster Cluster API starts from. Meant for the
// engine's temporary lifecycle: made before what needs it, deleted after. Its kubeconfig is a 0600
// file beside the state; the state holds its path and the API endpoint, never its contents.
import { chmod, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { CreateFailedError, ExternalError } from "../../engine/errors.js";
import type { ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import { kindCreateCluster, kindDeleteCluster, kindGetClusters, type KindEnv } from "../../providers/kind.js";
import { jsonInputs } from "../hcloud/json-schema.js";

/** kind v0.29's default node image. */
export const DEFAULT_NODE_IMAGE = "kindest/node:v1.33.1";

/** Where a kind cluster's kubeconfig lives: beside the state file, named for the cluster. */
export function kindKubeconfigPath(statePath: string, name: string): string {
  return join(dirname(resolve(statePath)), `kind-${name}.kubeconfig`);
}

export const kindClusterInputs = jsonInputs(
  z.object({
    /** kind's --name: lowercase letters, digits, '-' and '.', as kind's node containers need. */
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be lowercase letters, digits, '-' or '.'").max(50),
    image: z.string().min(1).default(DEFAULT_NODE_IMAGE),
    /** The kubeconfig file kind writes (made 0600); see kindKubeconfigPath. */
    kubeconfigPath: z.string().min(1),
    /** kind's --wait for the control plane to be Ready. */
    wait: z.string().regex(/^\d+(s|m)$/, "a duration such as 5m or 90s").default("5m"),
  }),
);
export type KindClusterInputs = z.output<typeof kindClusterInputs>;

export const kindClusterOutputs = z.object({
  name: z.string(),
  /** The context kind names after the cluster: `kind-NAME`. */
  context: z.string(),
  kubeconfigPath: z.string(),
  /** The API server, `https://127.0.0.1:PORT`. */
  endpoint: z.string(),
});
export type KindClusterOutputs = z.output<typeof kindClusterOutputs>;

export interface KindClusterDeps {
  /** The child's environment: sandboxToolEnv(dir) under --sandbox, nothing extra for real. */
  env?: Record<string, string>;
  bin?: string;
}

/** The server of context `kind-NAME` in the kubeconfig at `path`, or "" when it is not there. */
export async function kindEndpoint(path: string, name: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return "";
  }
  const kc = parse(text) as { clusters?: Array<{ name?: string; cluster?: { server?: string } }> } | null;
  return kc?.clusters?.find((c) => c.name === `kind-${name}`)?.cluster?.server ?? "";
}

export function kindClusterType(deps: KindClusterDeps = {}): ResourceType<KindClusterInputs, KindClusterOutputs> {
  const env = (ctx: StepContext): KindEnv => ({ ...(deps.env ? { env: deps.env } : {}), ...(deps.bin ? { bin: deps.bin } : {}), signal: ctx.signal });
  // Without kind there is no kind cluster: planning works without it; creating one says it is missing.
  const clusterNames = async (ctx: StepContext): Promise<string[]> => {
    try {
      return await kindGetClusters(env(ctx));
    } catch (err) {
      if (err instanceof ExternalError && err.code === "not-installed") return [];
      throw err;
    }
  };
  const outputsOf = async (i: KindClusterInputs): Promise<KindClusterOutputs> => ({ name: i.name, context: `kind-${i.name}`, kubeconfigPath: i.kubeconfigPath, endpoint: await kindEndpoint(i.kubeconfigPath, i.name) });
  return {
    type: "kind_cluster",
    inputs: kindClusterInputs,
    outputs: kindClusterOutputs,
    replaceOn: ["name", "image", "kubeconfigPath"],

    async read(ctx, current): Promise<ReadResult<KindClusterInputs, KindClusterOutputs>> {
      const names = await clusterNames(ctx);
      if (!names.includes(current.inputs.name)) return { status: "gone" };
      return { status: "found", inputs: current.inputs, outputs: await outputsOf(current.inputs) };
    },

    async find(ctx, _owner, desired) {
      const names = await clusterNames(ctx);
      if (!names.includes(desired.name)) return undefined;
      return { id: desired.name, inputs: desired, outputs: await outputsOf(desired) };
    },

    async create(ctx, inputs) {
      await mkdir(dirname(inputs.kubeconfigPath), { recursive: true, mode: 0o700 });
      ctx.progress(`kind create cluster --name ${inputs.name} (${inputs.image})`);
      try {
        await kindCreateCluster({
          ...env(ctx),
          name: inputs.name,
          image: inputs.image,
          kubeconfig: inputs.kubeconfigPath,
          wait: inputs.wait,
          onStep: (step, state) => {
            if (state === "running") ctx.progress(step);
            else ctx.log(`${state === "done" ? "✓" : "✗"} ${step}`);
          },
          onWarning: (w) => ctx.log(`warning: ${w}`),
        });
      } catch (err) {
        // kind deletes the nodes of a failed create itself; an interrupted one may have left them.
        if (err instanceof ExternalError && err.code === "interrupted") {
          throw new CreateFailedError(`${err.message}: kind cluster ${inputs.name} may be left half made`, { id: inputs.name, outputs: { name: inputs.name, context: `kind-${inputs.name}`, kubeconfigPath: inputs.kubeconfigPath, endpoint: "" } }, { cause: err });
        }
        throw err;
      }
      await chmod(inputs.kubeconfigPath, 0o600);
      const outputs = await outputsOf(inputs);
      if (outputs.endpoint === "") {
        throw new CreateFailedError(`kind create cluster --name ${inputs.name} wrote no context kind-${inputs.name} into ${inputs.kubeconfigPath}`, { id: inputs.name, outputs }, {});
      }
      return { id: inputs.name, outputs };
    },

    async update(_ctx, current) {
      // Only `wait` changes in place: it matters to the next create alone.
      return { outputs: current.outputs };
    },

    async delete(ctx, current) {
      ctx.progress(`kind delete cluster --name ${current.inputs.name}`);
      await kindDeleteCluster({ ...env(ctx), name: current.inputs.name, kubeconfig: current.inputs.kubeconfigPath });
      // kind removed its entries; a file left with no context is hk's own leftover (one a user
      // pointed hk at, with other contexts in it, stays).
      const left = await readFile(current.inputs.kubeconfigPath, "utf8").catch(() => undefined);
      const contexts = left === undefined ? [] : ((parse(left) as { contexts?: unknown[] } | null)?.contexts ?? []);
      if (left !== undefined && contexts.length === 0) await rm(current.inputs.kubeconfigPath, { force: true });
    },
  };
}
