// capi_cluster: the workload cluster as Cluster API objects (Cluster, HetznerCluster, machine
// templates, TalosControlPlane, worker pools, MachineHealthCheck, the add-ons' HelmChartProxies
// and the Secret CAPH reads its token from), applied with server-side apply to whichever cluster
// manages it now (management.ts), then waited on: the control plane initialized (its kubeconfig
// Secret), then every node Ready. The kubeconfig and talosconfig become 0600 files beside the
// state; the state holds their paths, never their contents.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { mkdir, rm } from "node:fs/promises";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { writeFileAtomic } from "../../engine/atomic-file.js";
import { diffValues } from "../../engine/diff.js";
import { AbortError, CreateFailedError, ExternalError } from "../../engine/errors.js";
import type { JsonObject } from "../../engine/values.js";
import type { Cost, Owner, ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import { refOf, type KubeClient, type KubeObject, type ObjectRef } from "../../providers/kube/index.js";
import { jsonInputs } from "../hcloud/json-schema.js";
import { ownerLabels, ownerMark } from "../hcloud/labels.js";
import { applyInOrder, deleteInOrder, type SetTimeouts } from "../kube/apply-set.js";
import { objectInput, objectKey, type ObjectInput } from "../kube/objects-input.js";
import { projectOnto } from "../kube/project.js";
import { clientFor, clusterRef, locateCluster, pauseWhereReachable, PROBE_RETRY, type Located, type ManagementPaths } from "./management.js";
import { CCM_SECRET } from "./addons.js";
import { caphDeletes } from "./consequences.js";
import { CAPH, controlPlaneTemplate, HETZNER_SECRET, renameControlPlaneTemplate } from "./manifests.js";
import { labelObjectChanges } from "./plan-labels.js";
import { machinesLeft, nodeReady, pollUntil, waitNodesReady, waitRolledOut } from "./waits.js";

/** clusterctl move carries objects with this label (or owned by the Cluster) along. */
export const MOVE_LABEL = "clusterctl.cluster.x-k8s.io/move";

const inputsSchema = jsonInputs(
  z.object({
    /** The Cluster's name and namespace. */
    name: z.string().min(1),
    namespace: z.string().min(1),
    /** Files hk writes for the user (0600): the workload cluster's kubeconfig and talosconfig. */
    kubeconfigPath: z.string().min(1),
    talosconfigPath: z.string().min(1),
    /** The bootstrap (kind) cluster's kubeconfig: where the objects go first. */
    bootstrapKubeconfig: z.string().min(1),
    /** Everything but the CAPH token's Secret, which is built from `hcloudToken`. */
    objects: z.array(objectInput).min(1),
    hcloudToken: z.string().min(1),
    /** Nodes the workload cluster has when every machine has joined. */
    expectedNodes: z.number().int().min(1),
    /** The network the Hetzner CCM routes on: its Secret kube-system/hcloud (token, network) goes into the workload cluster. */
    ccmNetwork: z.string().min(1),
    /**
     * Observed, never declared: how a destroy takes it down. "cluster-api" (the Cluster deleted by
     * its controllers, from kind) or "direct: WHY" (what Cluster API made is deleted by hk's sweep).
     */
    teardown: z.string().default("cluster-api"),
    /** "present" when both files exist: a file removed by hand shows as a change, and apply writes it again. */
    localFiles: z.enum(["present", "missing"]).default("present"),
    timeouts: z.object({ initializedSeconds: z.number().int().positive(), readySeconds: z.number().int().positive(), deletedSeconds: z.number().int().positive() }),
    /** What CAPH will make (servers, pools, load balancer, versions): the plan's cost and consequences come from it. */
    shape: z.record(z.string(), z.unknown()).default({}),
  }),
);
export type CapiClusterInputs = z.output<typeof inputsSchema> & JsonObject;
/** The schema typed as the engine holds inputs (JSON); objects pass through as declared. */
export const capiClusterInputs = inputsSchema as unknown as z.ZodType<CapiClusterInputs>;

export const capiClusterOutputs = z.object({
  kubeconfig: z.string(),
  talosconfig: z.string(),
  /** The control-plane endpoint (the load balancer): https://IP:6443. */
  endpoint: z.string(),
  /** Where the Cluster API objects were at the last apply: bootstrap (kind) or self (the pivot done). */
  managedBy: z.enum(["bootstrap", "self"]),
  labels: z.record(z.string(), z.string()),
  applied: z.array(z.object({ apiVersion: z.string(), kind: z.string(), namespace: z.string().exactOptional(), name: z.string() })),
});
export type CapiClusterOutputs = z.output<typeof capiClusterOutputs>;
type Applied = CapiClusterOutputs["applied"][number];

export interface CapiClusterDeps {
  /** A destroy is planned: an unreachable cluster is a reason to tear down directly, not an error. */
  destroying?: boolean;
  /** Why no bootstrap cluster can be made now (real mode: kind or Docker missing), or undefined. */
  bootstrapUnusable?: () => Promise<string | undefined>;
  /** The plan's lines for a change of `shape` (servers added, nodes replaced one at a time). */
  consequences?: (before: Record<string, unknown> | undefined, after: Record<string, unknown>) => string[];
  /** Prices what CAPH makes from `shape`; absent (offline runs): no cost. */
  price?: (shape: Record<string, unknown>) => Promise<Cost | undefined>;
  timeouts?: Partial<SetTimeouts>;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: unknown) => (typeof s === "string" ? Buffer.from(s, "base64").toString("utf8") : "");
const toApplied = (o: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string | undefined } }): Applied => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name ?? "", ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) });
const appliedRef = (a: Applied): ObjectRef => ({ apiVersion: a.apiVersion, kind: a.kind, name: a.name, namespace: a.namespace });

function tokenSecret(i: CapiClusterInputs): KubeObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name: HETZNER_SECRET.name, namespace: i.namespace, labels: { [MOVE_LABEL]: "" } }, type: "Opaque", data: { [HETZNER_SECRET.key]: b64(i.hcloudToken) } };
}

/** The Secret the Hetzner CCM reads, in the workload cluster. */
function ccmSecret(i: CapiClusterInputs): KubeObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name: CCM_SECRET.name, namespace: CCM_SECRET.namespace }, type: "Opaque", data: { token: b64(i.hcloudToken), network: b64(i.ccmNetwork) } };
}

/** What is sent: the token's Secret first, then the objects, each with the owner's labels. */
function manifests(i: CapiClusterInputs, labels: Record<string, string>): KubeObject[] {
  return [tokenSecret(i), ...(i.objects as KubeObject[])].map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), ...labels } } }));
}

const pathsOf = (i: Pick<CapiClusterInputs, "kubeconfigPath" | "bootstrapKubeconfig">): ManagementPaths => ({ self: i.kubeconfigPath, bootstrap: i.bootstrapKubeconfig });

async function locate(ctx: StepContext, i: CapiClusterInputs): Promise<Located | undefined> {
  const s = await locateCluster(pathsOf(i), i.name, i.namespace, ctx.signal);
  if (s.found) return s.found;
  if (s.unreachable.length > 0) {
    throw new ExternalError(`the Cluster API objects of ${i.name} cannot be read: ${s.unreachable.join("; ")}`, true, "unreachable");
  }
  return undefined;
}

/** The machine template a live TalosControlPlane runs on, whatever its name. */
const runningTemplateRef = (tcp: KubeObject): ObjectRef | undefined => {
  const name = controlPlaneTemplate([tcp])?.name;
  return name ? { apiVersion: CAPH, kind: "HCloudMachineTemplate", name, namespace: tcp.metadata.namespace } : undefined;
};

/** The live objects of the set, by objectKey (one get each: the set is a dozen objects), and the template the control plane runs on. */
async function liveObjects(ctx: StepContext, client: KubeClient, refs: readonly ObjectRef[]): Promise<Map<string, KubeObject>> {
  const live = new Map<string, KubeObject>();
  const get = async (r: ObjectRef) => {
    try {
      const o = await client.get(r, { signal: ctx.signal });
      if (o) live.set(objectKey(o), o);
    } catch (err) {
      if (!(err instanceof ExternalError && err.code === "unknown-kind")) throw err;
    }
  };
  for (const r of refs) await get(r);
  for (const tcp of [...live.values()].filter((o) => o.kind === "TalosControlPlane")) {
    const ref = runningTemplateRef(tcp);
    if (ref && !live.has(objectKey({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }))) await get(ref);
  }
  return live;
}

function observe(i: CapiClusterInputs, live: ReadonlyMap<string, KubeObject>): CapiClusterInputs {
  const objects: ObjectInput[] = [];
  // The recorded template may not be the one the control plane runs on under that name: apply
  // keeps a template of the same spec under the name it had (an older hk's), so that one is read.
  const cp = controlPlaneTemplate(i.objects);
  const liveTcp = cp ? live.get(objectKey(cp.tcp)) : undefined;
  const running = liveTcp ? runningTemplateRef(liveTcp) : undefined;
  for (const want of i.objects) {
    let got = live.get(objectKey(want));
    if (!got && running && want.kind === "HCloudMachineTemplate" && want.metadata.name === cp?.name) {
      got = live.get(objectKey({ apiVersion: running.apiVersion, kind: running.kind, metadata: { name: running.name, namespace: running.namespace } }));
      if (got) got = { ...got, metadata: { ...got.metadata, name: want.metadata.name } };
    }
    if (got) objects.push(projectOnto(want, { ...got, apiVersion: want.apiVersion }) as ObjectInput);
  }
  if (cp && running && running.name !== cp.name && objects.some((o) => o.kind === "HCloudMachineTemplate" && o.metadata.name === cp.name)) {
    objects.splice(0, objects.length, ...renameControlPlaneTemplate(objects, cp.name));
  }
  const secret = live.get(objectKey(tokenSecret(i)));
  const token = unb64((secret?.data as Record<string, string> | undefined)?.[HETZNER_SECRET.key]);
  const localFiles = existsSync(i.kubeconfigPath) && existsSync(i.talosconfigPath) ? "present" : "missing";
  return { ...i, objects, hcloudToken: token === "" ? i.hcloudToken : token, localFiles } as CapiClusterInputs;
}

/**
 * A create killed during its waits leaves a cluster whose nodes have not all joined, are not
 * Ready, or lack the providerID the CCM sets (once given its Secret, which that create applies).
 * find reports the nodes done so as expectedNodes, so adopting that cluster plans an update
 * (apply again, then wait) instead of taking it as made: the pivot's move would refuse machines
 * without a node. A workload cluster that does not answer counts none.
 */
async function nodesObserved(ctx: StepContext, i: CapiClusterInputs): Promise<CapiClusterInputs> {
  // Without the files the update is planned anyway (localFiles), and it waits for the nodes.
  if (i.localFiles === "missing") return i;
  let items: KubeObject[];
  try {
    items = (await clientFor(i.kubeconfigPath, PROBE_RETRY).list("v1", "Node", { signal: ctx.signal })).items;
  } catch (err) {
    if (err instanceof ExternalError && err.code === "connection") return { ...i, expectedNodes: 0 } as CapiClusterInputs;
    throw err;
  }
  const ready = items.filter((n) => nodeReady(n) && typeof (n.spec as { providerID?: unknown } | undefined)?.providerID === "string").length;
  if (items.length === i.expectedNodes && ready === i.expectedNodes) return i;
  return { ...i, expectedNodes: ready === i.expectedNodes ? items.length : ready } as CapiClusterInputs;
}

/** The workload cluster's kubeconfig and talosconfig, from the Secrets CACPPT writes, as 0600 files. */
async function writeLocalFiles(ctx: StepContext, mgmt: KubeClient, i: CapiClusterInputs): Promise<void> {
  const secret = async (suffix: string, key: string) => {
    const o = await mgmt.get({ apiVersion: "v1", kind: "Secret", name: `${i.name}-${suffix}`, namespace: i.namespace }, { signal: ctx.signal });
    const text = unb64((o?.data as Record<string, string> | undefined)?.[key]);
    if (text === "") throw new ExternalError(`Secret ${i.namespace}/${i.name}-${suffix} has no ${key}: the control plane provider has not written it yet`, true, "not-ready");
    return text;
  };
  const kubeconfig = await secret("kubeconfig", "value");
  const talosconfig = await secret("talosconfig", "talosconfig");
  await mkdir(dirname(i.kubeconfigPath), { recursive: true, mode: 0o700 });
  await writeFileAtomic(i.kubeconfigPath, kubeconfig, 0o600);
  await writeFileAtomic(i.talosconfigPath, talosconfig, 0o600);
  ctx.log(`wrote ${i.kubeconfigPath} and ${i.talosconfigPath}`);
}

async function waitInitialized(ctx: StepContext, mgmt: KubeClient, i: CapiClusterInputs): Promise<void> {
  await pollUntil(ctx, `the control plane of ${i.name} to be initialized (Secret ${i.name}-kubeconfig)`, i.timeouts.initializedSeconds * 1000, async () => {
    const s = await mgmt.get({ apiVersion: "v1", kind: "Secret", name: `${i.name}-kubeconfig`, namespace: i.namespace }, { signal: ctx.signal });
    const n = await machinesLeft(mgmt, i.namespace, i.name, ctx.signal).catch(() => 0);
    return { done: s !== undefined, seen: `${n} machine${n === 1 ? "" : "s"}, ${s ? "kubeconfig written" : "no kubeconfig yet"}` };
  });
}

async function outputsOf(ctx: StepContext, at: Located, i: CapiClusterInputs, labels: Record<string, string>, applied: Applied[]): Promise<CapiClusterOutputs> {
  const c = (await at.client.get(clusterRef(i.name, i.namespace), { signal: ctx.signal })) ?? at.cluster;
  const ep = (c.spec as { controlPlaneEndpoint?: { host?: string; port?: number } } | undefined)?.controlPlaneEndpoint;
  return { kubeconfig: i.kubeconfigPath, talosconfig: i.talosconfigPath, endpoint: ep?.host ? `https://${ep.host}:${ep.port ?? 6443}` : "", managedBy: at.role, labels, applied };
}

/**
 * The objects to send: the control plane's template under the name it runs on when that one has
 * the declared spec (an older hk named it differently), so CACPPT rolls nothing for a rename.
 */
async function keepRunningTemplate(ctx: StepContext, client: KubeClient, objects: ObjectInput[]): Promise<ObjectInput[]> {
  const cp = controlPlaneTemplate(objects);
  const want = cp && objects.find((o) => o.kind === "HCloudMachineTemplate" && o.metadata.name === cp.name);
  if (!cp || !want) return objects;
  const tcp = await client.get(refOf(cp.tcp as KubeObject), { signal: ctx.signal });
  const running = tcp ? runningTemplateRef(tcp) : undefined;
  const name = running?.name;
  if (!running || !name || name === cp.name) return objects;
  const live = await client.get(running, { signal: ctx.signal });
  return live && isDeepStrictEqual(projectOnto(want.spec, live.spec), want.spec) ? renameControlPlaneTemplate(objects, name) : objects;
}

/** Applies, then waits for the gates; the objects are on `at` (kind for a create). */
async function converge(ctx: StepContext, at: Pick<Located, "client" | "role" | "path">, declared: CapiClusterInputs, labels: Record<string, string>, force: boolean, applied: Applied[], timeouts: SetTimeouts, beforeWaits?: () => Promise<void>): Promise<void> {
  const i = { ...declared, objects: await keepRunningTemplate(ctx, at.client, declared.objects) } as CapiClusterInputs;
  ctx.progress(`applying ${i.objects.length + 1} Cluster API objects to the ${at.role === "self" ? "workload cluster (self-managed)" : "bootstrap cluster"}`);
  await applyInOrder(ctx, at.client, manifests(i, labels), { force, timeouts, onApplied: (o) => applied.push(toApplied(o)) });
  await beforeWaits?.();
  await waitInitialized(ctx, at.client, i);
  await writeLocalFiles(ctx, at.client, i);
  const workload = clientFor(i.kubeconfigPath);
  // The CCM lifts the nodes' uninitialized taint once it can read the project: nothing else schedules before.
  await applyInOrder(ctx, workload, [{ ...ccmSecret(i), metadata: { ...ccmSecret(i).metadata, labels } }], { force: true, timeouts, onApplied: () => undefined });
  await waitNodesReady(ctx, workload, i.expectedNodes, i.timeouts.readySeconds * 1000);
  await waitRolledOut(ctx, at.client, i.namespace, i.name, i.timeouts.readySeconds * 1000);
  // A roll's last old machine is still being deleted when the new ones are ready: its node (and
  // server, which costs) goes with it, and the apply ends once it has.
  await waitNodesReady(ctx, workload, i.expectedNodes, i.timeouts.readySeconds * 1000);
}

export function capiClusterType(deps: CapiClusterDeps = {}): ResourceType<CapiClusterInputs, CapiClusterOutputs> {
  const timeouts: SetTimeouts = { establishedMs: 60_000, goneMs: 300_000, ...deps.timeouts };
  return {
    type: "capi_cluster",
    inputs: capiClusterInputs,
    outputs: capiClusterOutputs,
    sensitive: { inputs: ["hcloudToken"] },
    replaceOn: ["name", "namespace"],
    computedInputs: ["teardown"],

    async read(ctx, current): Promise<ReadResult<CapiClusterInputs, CapiClusterOutputs>> {
      const i = current.inputs;
      const s = await locateCluster(pathsOf(i), i.name, i.namespace, ctx.signal);
      if (!s.found) {
        if (s.unreachable.length === 0) return { status: "gone" };
        if (!deps.destroying) throw new ExternalError(`the Cluster API objects of ${i.name} cannot be read: ${s.unreachable.join("; ")}`, true, "unreachable");
        // Broken: what Cluster API made is found by its labels and deleted by hk itself.
        return { status: "found", inputs: { ...i, teardown: `direct: ${s.unreachable.join("; ")}` } as CapiClusterInputs, outputs: current.outputs };
      }
      const at = s.found;
      const refs = [refOf(tokenSecret(i)), ...i.objects.map(refOf), ...current.outputs.applied.map(appliedRef)];
      const live = await liveObjects(ctx, at.client, refs);
      let teardown = "cluster-api";
      if (deps.destroying && at.role === "self") {
        const why = await deps.bootstrapUnusable?.();
        if (why) teardown = `direct: no bootstrap cluster can be made to move the objects to (${why})`;
      }
      return { status: "found", inputs: { ...observe(i, live), teardown } as CapiClusterInputs, outputs: { ...current.outputs, managedBy: at.role } };
    },

    // The control plane's template is compared by its spec: a name alone (an older hk's) changes nothing.
    diff(observed, desired) {
      const [was, want] = [controlPlaneTemplate(observed.objects), controlPlaneTemplate(desired.objects)];
      const specOf = (x: CapiClusterInputs, name: string | undefined) => x.objects.find((o) => o.kind === "HCloudMachineTemplate" && o.metadata.name === name)?.["spec"];
      const same = was && want && isDeepStrictEqual(specOf(observed, was.name), specOf(desired, want.name));
      const seen = same ? { ...observed, objects: renameControlPlaneTemplate(observed.objects, want.name) } : observed;
      return labelObjectChanges(diffValues(seen, desired, { replaceOn: ["name", "namespace"] }), seen.objects, desired.objects);
    },

    deletesAlone: (current) => String(current.inputs.teardown ?? "").startsWith("direct"),

    // Torn down by Cluster API, the Cluster takes CAPH's servers and the rest with it: they are
    // this resource's (priced here), not leftovers. Torn down directly, the sweep deletes them.
    deletesWith: (current, found) => !String(current.inputs.teardown ?? "").startsWith("direct") && caphDeletes(current.inputs.name, found),

    consequences(before, after) {
      if (!after) {
        if (!before) return [];
        const direct = String(before.teardown ?? "").startsWith("direct");
        return direct
          ? [
              `${before.teardown.replace(/^direct: /, "")}`,
              `so no Cluster API teardown: hk pauses the controllers it can reach, then deletes the servers, load balancer, network and placement group labelled caph-cluster-${before.name}=owned itself (the leftovers below)`,
            ]
          : [`Cluster ${before.namespace}/${before.name} deleted from the bootstrap cluster: CAPH removes its ${before.expectedNodes} servers, load balancer, network and placement group; hk waits until they are gone`];
      }
      return deps.consequences ? deps.consequences(before?.shape, after.shape) : [];
    },

    async find(ctx, owner, desired) {
      const at = await locate(ctx, desired);
      if (!at) return undefined;
      const live = await liveObjects(ctx, at.client, [refOf(tokenSecret(desired)), ...desired.objects.map(refOf)]);
      const labels = ownerLabels(owner);
      const outputs = await outputsOf(ctx, at, desired, labels, [...live.values()].map(toApplied));
      const mark = ownerMark(at.cluster.metadata.labels, owner);
      const found = { id: `${desired.namespace}/${desired.name}`, inputs: await nodesObserved(ctx, observe(desired, live)), outputs };
      return mark === undefined ? found : { ...found, lineage: mark };
    },

    async create(ctx, inputs, owner: Owner) {
      if (!existsSync(inputs.bootstrapKubeconfig)) {
        throw new AbortError(`capi_cluster ${inputs.name}: the bootstrap cluster's kubeconfig ${inputs.bootstrapKubeconfig} does not exist`, "the kind bootstrap cluster must be created first (it is, in hk's plan; was it deleted meanwhile?)");
      }
      const at = { role: "bootstrap" as const, path: inputs.bootstrapKubeconfig, client: clientFor(inputs.bootstrapKubeconfig) };
      const labels = ownerLabels(owner);
      const applied: Applied[] = [];
      try {
        await converge(ctx, at, inputs, labels, false, applied, timeouts);
        const cluster = (await at.client.get(clusterRef(inputs.name, inputs.namespace), { signal: ctx.signal })) as KubeObject;
        return { id: `${inputs.namespace}/${inputs.name}`, outputs: await outputsOf(ctx, { ...at, cluster }, inputs, labels, applied) };
      } catch (err) {
        if (applied.length === 0) throw err;
        // The objects exist and CAPH may be making servers: recorded (tainted), never orphaned.
        const outputs: CapiClusterOutputs = { kubeconfig: inputs.kubeconfigPath, talosconfig: inputs.talosconfigPath, endpoint: "", managedBy: "bootstrap", labels, applied };
        throw new CreateFailedError(`${(err as Error).message}`, { id: `${inputs.namespace}/${inputs.name}`, outputs }, { cause: err });
      }
    },

    async update(ctx, current, desired) {
      const at = await locate(ctx, desired);
      if (!at) throw new ExternalError(`the Cluster ${desired.namespace}/${desired.name} is in neither ${desired.kubeconfigPath} nor ${desired.bootstrapKubeconfig}`, false, "gone");
      const applied: Applied[] = [];
      const staleOf = () => {
        const keep = new Set(applied.map((a) => objectKey({ apiVersion: a.apiVersion, kind: a.kind, metadata: { name: a.name, namespace: a.namespace } })));
        return current.outputs.applied.filter((a) => !keep.has(objectKey({ apiVersion: a.apiVersion, kind: a.kind, metadata: { name: a.name, namespace: a.namespace } })));
      };
      // A removed pool's MachineDeployment goes before the wait for the nodes, which no longer counts its machines.
      const removedPools = async () => {
        const pools = staleOf().filter((a) => a.kind === "MachineDeployment");
        if (pools.length > 0) await deleteInOrder(ctx, at.client, pools.map(appliedRef), timeouts);
      };
      await converge(ctx, at, desired, current.outputs.labels, true, applied, timeouts, removedPools);
      // Objects no longer declared (a pool's templates, superseded ones) go once the machines are rolled.
      const stale = staleOf();
      if (stale.length > 0) {
        await deleteInOrder(ctx, at.client, stale.map(appliedRef), timeouts);
        await waitRolledOut(ctx, at.client, desired.namespace, desired.name, desired.timeouts.readySeconds * 1000);
        await waitNodesReady(ctx, clientFor(desired.kubeconfigPath), desired.expectedNodes, desired.timeouts.readySeconds * 1000);
      }
      return { outputs: await outputsOf(ctx, at, desired, current.outputs.labels, applied) };
    },

    async delete(ctx, current) {
      const i = current.inputs;
      if (String(i.teardown ?? "").startsWith("direct")) {
        await pauseWhereReachable(ctx, i);
        await rm(i.kubeconfigPath, { force: true });
        await rm(i.talosconfigPath, { force: true });
        return;
      }
      const at = await locate(ctx, i);
      if (at?.role === "self") {
        throw new AbortError(
          `the Cluster API objects of ${i.name} are in the workload cluster itself: deleting them there would stop its controllers half way through deleting their own servers`,
          "hk destroy moves them back to a bootstrap cluster first (capi_pivot); run hk destroy without --target",
        );
      }
      if (at) {
        ctx.progress(`deleting Cluster ${i.namespace}/${i.name}: CAPH removes its servers, load balancer, network and placement group`);
        await at.client.delete(clusterRef(i.name, i.namespace), { signal: ctx.signal });
        await pollUntil(ctx, `Cluster ${i.namespace}/${i.name} to be deleted`, i.timeouts.deletedSeconds * 1000, async () => {
          const left = await at.client.get(clusterRef(i.name, i.namespace), { signal: ctx.signal });
          const n = left ? await machinesLeft(at.client, i.namespace, i.name, ctx.signal) : 0;
          return { done: left === undefined, seen: left ? `${n} machine${n === 1 ? "" : "s"} left` : "gone" };
        });
        const rest = [refOf(tokenSecret(i)), ...i.objects.map(refOf), ...current.outputs.applied.map(appliedRef)];
        await deleteInOrder(ctx, at.client, dedupe(rest), timeouts);
      }
      await rm(i.kubeconfigPath, { force: true });
      await rm(i.talosconfigPath, { force: true });
    },

    async cost(inputs): Promise<Cost | undefined> {
      // A direct teardown: the sweep's leftovers are what hk deletes, and they carry the price.
      if (String(inputs.teardown ?? "").startsWith("direct")) return undefined;
      return deps.price ? deps.price(inputs.shape) : undefined;
    },
  };
}

function dedupe(refs: readonly ObjectRef[]): ObjectRef[] {
  const m = new Map<string, ObjectRef>();
  for (const r of refs) m.set(objectKey({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } }), r);
  return [...m.values()];
}
