// capi_providers: the Cluster API providers on one management cluster, as `clusterctl init`
// installs them (core, infrastructure hetzner, bootstrap talos, control-plane talos, addon helm) at
// the versions pinned in the config. Read from clusterctl's own inventory (the Provider objects it
// keeps in each provider's namespace); a version change is `clusterctl upgrade apply`, a provider
// missing (an init killed half way) is installed by `clusterctl init` again, which adds to what
// is there. Deleting is leaving them be: they go with their cluster (kind deleted, or the
// workload cluster's servers removed).
import { z } from "zod";
import { AbortError } from "../../engine/errors.js";
import type { JsonObject } from "../../engine/values.js";
import type { ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import { clusterctlInit, clusterctlUpgradeApply, runClusterctl, type CapiProviderSet, type ClusterctlEnv } from "../../providers/clusterctl.js";
import { ExternalError } from "../../engine/errors.js";
import { KubeClient, type KubeObject } from "../../providers/kube/index.js";
import { jsonInputs } from "../hcloud/json-schema.js";

const PROVIDER_TYPES = {
  core: "CoreProvider",
  infrastructure: "InfrastructureProvider",
  bootstrap: "BootstrapProvider",
  controlPlane: "ControlPlaneProvider",
  addon: "AddonProvider",
} as const;
type Slot = keyof typeof PROVIDER_TYPES;
const INIT_FLAG: Record<Slot, string> = { core: "--core", infrastructure: "--infrastructure", bootstrap: "--bootstrap", controlPlane: "--control-plane", addon: "--addon" };
const SLOTS = Object.keys(PROVIDER_TYPES) as Slot[];

const providerRef = z.string().regex(/^[a-z0-9-]+:v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be NAME:vX.Y.Z, e.g. hetzner:v1.0.7");

export const capiProvidersInputs = jsonInputs(
  z.object({
    /** The management cluster's kubeconfig. */
    kubeconfig: z.string().min(1),
    providers: z.object({ core: providerRef, infrastructure: providerRef, bootstrap: providerRef, controlPlane: providerRef, addon: providerRef }),
    /** clusterctl init --wait-provider-timeout, in seconds. */
    waitSeconds: z.number().int().positive().default(600),
  }),
);
export type CapiProvidersInputs = z.output<typeof capiProvidersInputs> & JsonObject;

export const capiProvidersOutputs = z.object({
  /** What the inventory lists: TYPE/NAME:VERSION in NAMESPACE. */
  installed: z.array(z.string()),
});
export type CapiProvidersOutputs = z.output<typeof capiProvidersOutputs>;

export interface CapiProvidersDeps {
  /** A destroy is planned: a cluster that does not answer is left to go with its servers. */
  destroying?: boolean;
  /** How to run clusterctl (the emulated one's PATH under --sandbox; the local repository's config). */
  clusterctl: () => Promise<Omit<ClusterctlEnv, "signal" | "onLine">>;
}

interface InventoryItem {
  type: string;
  name: string;
  version: string;
  namespace: string;
}

/** clusterctl's inventory on the cluster: its Provider objects. */
export async function inventory(kubeconfig: string, signal: AbortSignal): Promise<InventoryItem[]> {
  if (typeof kubeconfig !== "string") throw new AbortError("capi_providers: the management cluster's kubeconfig is not known now");
  const client = KubeClient.fromKubeconfig(kubeconfig);
  try {
    const { items } = await client.list("clusterctl.cluster.x-k8s.io/v1alpha3", "Provider", { signal });
    return items.map((o: KubeObject) => ({ type: String(o.type), name: String(o.providerName), version: String(o.version), namespace: o.metadata.namespace ?? "" }));
  } catch (err) {
    if (err instanceof ExternalError && err.code === "unknown-kind") return [];
    throw err;
  }
}

function observed(items: readonly InventoryItem[], desired: CapiProvidersInputs): CapiProvidersInputs {
  const providers = { ...desired.providers };
  for (const slot of SLOTS) {
    const name = desired.providers[slot].split(":")[0];
    const got = items.find((i) => i.type === PROVIDER_TYPES[slot] && i.name === name);
    providers[slot] = got ? `${got.name}:${got.version}` : `${name}:(not installed)`;
  }
  return { ...desired, providers };
}

const installedOf = (items: readonly InventoryItem[]) => items.map((i) => `${i.type}/${i.name}:${i.version} in ${i.namespace}`).sort();

export function capiProvidersType(deps: CapiProvidersDeps): ResourceType<CapiProvidersInputs, CapiProvidersOutputs> {
  const env = async (ctx: StepContext): Promise<ClusterctlEnv> => ({ ...(await deps.clusterctl()), signal: ctx.signal, onLine: (l) => ctx.log(l) });

  /** Installs what is missing, upgrades what differs; returns the inventory after. */
  const converge = async (ctx: StepContext, i: CapiProvidersInputs): Promise<InventoryItem[]> => {
    const now = await inventory(i.kubeconfig, ctx.signal);
    const want = i.providers as CapiProviderSet;
    const missing = SLOTS.filter((s) => !now.some((n) => n.type === PROVIDER_TYPES[s] && n.name === want[s].split(":")[0]));
    if (missing.length > 0) {
      ctx.progress(`clusterctl init: ${missing.map((s) => want[s]).join(", ")}`);
      if (missing.length === SLOTS.length) await clusterctlInit(await env(ctx), { kubeconfig: i.kubeconfig, providers: want, waitTimeoutSeconds: i.waitSeconds });
      else {
        // An init killed half way: clusterctl init adds the missing ones to the management cluster.
        const flags = missing.flatMap((s) => [INIT_FLAG[s], want[s]]);
        await runClusterctl(await env(ctx), ["init", ...flags, "--kubeconfig", i.kubeconfig, "--wait-providers", "--wait-provider-timeout", String(i.waitSeconds)], "clusterctl init");
      }
    }
    const after = await inventory(i.kubeconfig, ctx.signal);
    const outdated = SLOTS.filter((s) => after.some((n) => n.type === PROVIDER_TYPES[s] && `${n.name}:${n.version}` !== want[s] && n.name === want[s].split(":")[0]));
    if (outdated.length > 0) {
      ctx.progress(`clusterctl upgrade apply: ${outdated.map((s) => want[s]).join(", ")}`);
      await clusterctlUpgradeApply(await env(ctx), { kubeconfig: i.kubeconfig, providers: want });
      return inventory(i.kubeconfig, ctx.signal);
    }
    return after;
  };

  return {
    type: "capi_providers",
    inputs: capiProvidersInputs as unknown as z.ZodType<CapiProvidersInputs>,
    outputs: capiProvidersOutputs,
    replaceOn: ["kubeconfig"],

    async read(ctx, current): Promise<ReadResult<CapiProvidersInputs, CapiProvidersOutputs>> {
      // On a temporary cluster (kind) the kubeconfig is known only during an apply: a run killed
      // before kind was retired leaves it live, and what it holds is read when the apply needs it.
      if (typeof current.inputs.kubeconfig !== "string") return { status: "found", inputs: current.inputs, outputs: current.outputs };
      let items: InventoryItem[];
      try {
        items = await inventory(current.inputs.kubeconfig, ctx.signal);
      } catch (err) {
        // Deleting them is leaving them be: nothing to read for that on a cluster that does not answer.
        if (deps.destroying && err instanceof ExternalError && err.code === "connection") return { status: "found", inputs: current.inputs, outputs: current.outputs };
        throw err;
      }
      if (items.length === 0) return { status: "gone" };
      return { status: "found", inputs: observed(items, current.inputs), outputs: { installed: installedOf(items) } };
    },

    async find(ctx, _owner, desired) {
      // The inventory is the cluster's, not hk's: providers there are adopted (and completed).
      const items = await inventory(desired.kubeconfig, ctx.signal).catch(() => []);
      if (items.length === 0) return undefined;
      return { id: desired.kubeconfig, inputs: observed(items, desired), outputs: { installed: installedOf(items) } };
    },

    async create(ctx, inputs) {
      const items = await converge(ctx, inputs);
      return { id: inputs.kubeconfig, outputs: { installed: installedOf(items) } };
    },

    async update(ctx, _current, desired) {
      return { outputs: { installed: installedOf(await converge(ctx, desired)) } };
    },

    async delete(ctx) {
      // They go with their cluster; `clusterctl delete` would only slow the teardown down.
      ctx.log("the providers go with their cluster");
    },
  };
}
