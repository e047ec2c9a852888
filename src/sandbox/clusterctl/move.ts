// `clusterctl move` as v1.10.10 does it: target providers checked, the object graph discovered
// (what a Cluster owns, its well-known secrets, what carries the move label), provisioning checked,
// Clusters paused, objects created in the target owners first with ownerReferences rebuilt,
// deleted from the source in reverse order, and the target's Clusters unpaused.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ClusterClient } from "./cluster-client.js";
import type { Obj } from "./components.js";
import type { Io } from "./io.js";
import { logLine } from "./io.js";
import { ClusterctlError } from "./providers.js";
import { compareVersions, discover, type Graph } from "./move-graph.js";

export interface MoveOptions {
  kubeconfig?: string | undefined;
  kubeconfigContext?: string | undefined;
  toKubeconfig?: string | undefined;
  toKubeconfigContext?: string | undefined;
  namespace?: string | undefined;
  dryRun: boolean;
  toDirectory?: string | undefined;
  fromDirectory?: string | undefined;
}

const STARS = "********************************************************\n";
const BLOCK_MOVE = "clusterctl.cluster.x-k8s.io/block-move";
const BLOCK_WAIT_MS = 2 * 60_000;

async function checkTargetProviders(source: ClusterClient, target: ClusterClient): Promise<void> {
  const [from, to] = await Promise.all([source, target].map((c) => c.list("clusterctl.cluster.x-k8s.io/v1alpha3", "Provider")));
  const errors: string[] = [];
  for (const p of from ?? []) {
    const t = (to ?? []).find((x) => x.metadata.name === p.metadata.name && x.type === p.type);
    if (!t) errors.push(`provider ${p.metadata.name} not found in the target cluster`);
    else if (compareVersions(String(t.version), String(p.version)) < 0) errors.push(`provider ${p.metadata.name} in the target cluster is older (${String(t.version)}) than in the source cluster (${String(p.version)})`);
  }
  if (errors.length > 0) throw new ClusterctlError(errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`);
}

function checkProvisioned(graph: Graph): void {
  const errors: string[] = [];
  for (const o of graph.objects) {
    const status = (o.status ?? {}) as { infrastructureReady?: boolean; controlPlaneReady?: boolean; nodeRef?: unknown; conditions?: { type: string; status: string }[] };
    const id = `"${o.apiVersion}, Kind=${o.kind}" ${o.metadata.namespace}/${o.metadata.name}`;
    if (o.kind === "Cluster" && o.apiVersion.startsWith("cluster.x-k8s.io/")) {
      if (!status.infrastructureReady) errors.push(`cannot start the move operation while ${id} is still provisioning the infrastructure`);
      else if (!status.conditions?.some((c) => c.type === "ControlPlaneInitialized" && c.status === "True")) errors.push(`cannot start the move operation while the control plane for ${id} is not yet initialized`);
      else if (!status.controlPlaneReady) errors.push(`cannot start the move operation while the control plane for ${id} is not yet ready`);
    }
    if (o.kind === "Machine" && o.apiVersion.startsWith("cluster.x-k8s.io/") && !status.nodeRef) errors.push(`cannot start the move operation while ${id} is still provisioning the node`);
  }
  if (errors.length > 0) throw new ClusterctlError(`failed to get object graph: failed to check for provisioned infrastructure: [${errors.join(", ")}]`);
}

async function setPaused(client: ClusterClient, clusters: Obj[], paused: boolean): Promise<void> {
  for (const c of clusters) await client.mergePatch({ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: c.metadata.name, namespace: c.metadata.namespace ?? "default" }, spec: { paused: paused ? true : null } });
}

async function waitUnblocked(source: ClusterClient, graph: Graph): Promise<void> {
  for (const o of graph.objects.filter((x) => x.metadata.annotations?.[BLOCK_MOVE] !== undefined)) {
    await source.waitFor(
      async () => (await source.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name))?.metadata.annotations?.[BLOCK_MOVE] === undefined,
      BLOCK_WAIT_MS,
      `resource is not ready to move: ${o.kind} ${o.metadata.namespace}/${o.metadata.name} is blocking the move`,
    );
  }
}

/** The object as it goes to the target: no server fields, owners' new UIDs. */
function forTarget(o: Obj, uids: Map<string, string>): Obj {
  const meta: Record<string, unknown> = { ...o.metadata };
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "ownerReferences", "deletionTimestamp"]) delete meta[k];
  const refs = (o.metadata.ownerReferences ?? []) as { uid: string }[];
  const owners = refs.flatMap((r) => (uids.has(r.uid) ? [{ ...r, uid: uids.get(r.uid) }] : []));
  const rest: Record<string, unknown> = { ...o };
  delete rest.status;
  return { ...(rest as Obj), metadata: { ...(meta as Obj["metadata"]), ...(owners.length > 0 ? { ownerReferences: owners } : {}) } };
}

/**
 * Creates the graph's objects in the target, owners first. Each is read again from the source
 * first, as clusterctl's createTargetObject does: the graph was discovered before the Clusters
 * were paused, and a Cluster created unpaused lets the target's controllers act on a half-moved
 * cluster (a TalosControlPlane whose Machines are not there yet makes new ones).
 */
async function createInTarget(target: ClusterClient, graph: Graph, source?: ClusterClient): Promise<void> {
  const uids = new Map<string, string>();
  for (const ns of new Set(graph.objects.map((o) => o.metadata.namespace ?? "default"))) await target.ensure({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  for (const group of graph.groups) {
    for (const o of group) {
      const latest = source ? await source.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name) : o;
      if (!latest) throw new ClusterctlError(`error reading "${o.apiVersion}, Kind=${o.kind}" ${o.metadata.namespace ?? "default"}/${o.metadata.name}: not found`);
      await target.ensure(forTarget({ ...latest, apiVersion: o.apiVersion, kind: o.kind }, uids));
      const made = await target.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
      if (made?.metadata.uid && o.metadata.uid) uids.set(String(o.metadata.uid), String(made.metadata.uid));
    }
  }
}

async function deleteFromSource(source: ClusterClient, graph: Graph): Promise<void> {
  for (const group of [...graph.groups].reverse()) {
    for (const o of group) {
      const ref = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? "default" } };
      // Already gone (its owner's deletion collected it): clusterctl's deleteSourceObject moves on.
      if (!(await source.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name))) continue;
      await source.mergePatch({ ...ref, metadata: { ...ref.metadata, annotations: { "clusterctl.cluster.x-k8s.io/delete-for-move": "" } } }, { ignoreNotFound: true });
      await source.delete(ref);
      if (await source.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)) await source.mergePatch({ ...ref, metadata: { ...ref.metadata, finalizers: null } }, { ignoreNotFound: true });
    }
  }
}

async function toDirectory(source: ClusterClient, graph: Graph, dir: string, io: Io): Promise<void> {
  io.stderr(logLine("Moving to directory..."));
  io.stderr(logLine("Starting move of Cluster API objects", { Clusters: graph.clusters.length }));
  await setPaused(source, graph.clusters, true);
  io.stderr(logLine("Saving files to " + dir));
  for (const o of graph.objects) {
    const live = (await source.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)) ?? o;
    await writeFile(join(dir, `${o.kind}_${o.metadata.namespace ?? ""}_${o.metadata.name}.yaml`), JSON.stringify(live), { mode: 0o600 });
  }
  await setPaused(source, graph.clusters, false);
}

async function fromDirectory(target: ClusterClient, dir: string, io: Io): Promise<void> {
  io.stderr(logLine("Moving from directory..."));
  io.stderr(logLine("Restoring files from " + dir));
  const objects = await Promise.all((await readdir(dir)).filter((f) => f.endsWith(".yaml")).sort().map(async (f) => JSON.parse(await readFile(join(dir, f), "utf8")) as Obj));
  const graph = discover(objects, undefined);
  io.stderr(logLine("Restoring objects into the target cluster"));
  const restored: Graph = { ...graph, groups: graph.groups.map((g) => g) };
  const fresh: Obj[][] = [];
  for (const g of restored.groups) fresh.push((await Promise.all(g.map(async (o) => ((await target.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)) ? undefined : o)))).filter((o): o is Obj => o !== undefined));
  await createInTarget(target, { ...graph, groups: fresh });
  await setPaused(target, graph.clusters, false);
}

export async function move(opts: MoveOptions, io: Io): Promise<void> {
  if (!opts.toKubeconfig && !opts.dryRun && !opts.toDirectory && !opts.fromDirectory) {
    throw new ClusterctlError("please specify a target cluster using the --to-kubeconfig flag when not using --dry-run, --to-directory or --from-directory");
  }
  if (opts.fromDirectory) {
    await fromDirectory(ClusterClient.open(opts.toKubeconfig ?? opts.kubeconfig, opts.toKubeconfigContext ?? opts.kubeconfigContext), opts.fromDirectory, io);
    return;
  }
  const source = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const namespace = opts.namespace ?? "default";
  io.stderr(logLine("Performing move..."));
  if (opts.dryRun) io.stderr(STARS + "This is a dry-run move, will not perform any real action\n" + STARS);
  const target = opts.toKubeconfig && !opts.dryRun ? ClusterClient.open(opts.toKubeconfig, opts.toKubeconfigContext) : undefined;
  if (target) await checkTargetProviders(source, target);
  io.stderr(logLine("Discovering Cluster API objects"));
  const graph = await discoverFrom(source, namespace);
  if (!opts.dryRun) checkProvisioned(graph);
  if (opts.toDirectory) {
    await mkdir(opts.toDirectory, { recursive: false }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw new ClusterctlError(`directory ${opts.toDirectory} does not exist`);
    });
    await toDirectory(source, graph, opts.toDirectory, io);
    return;
  }
  io.stderr(logLine("Moving Cluster API objects", { Clusters: graph.clusters.length }));
  io.stderr(logLine("Moving Cluster API objects", { ClusterClasses: graph.objects.filter((o) => o.kind === "ClusterClass").length }));
  if (opts.dryRun || !target) return;
  await setPaused(source, graph.clusters, true);
  io.stderr(logLine("Waiting for all resources to be ready to move"));
  await waitUnblocked(source, graph);
  io.stderr(logLine("Creating objects in the target cluster"));
  await createInTarget(target, graph, source);
  io.stderr(logLine("Deleting objects from the source cluster"));
  await deleteFromSource(source, graph);
  await setPaused(target, graph.clusters, false);
}

/** Lists the candidate kinds (CRDs labelled for clusterctl, Secrets, ConfigMaps) and builds the move graph. */
async function discoverFrom(source: ClusterClient, namespace: string): Promise<Graph> {
  const crds = await source.list("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, "clusterctl.cluster.x-k8s.io");
  const kinds: { apiVersion: string; kind: string }[] = [{ apiVersion: "v1", kind: "Secret" }, { apiVersion: "v1", kind: "ConfigMap" }];
  for (const crd of crds) {
    const spec = crd.spec as { group: string; scope: string; names: { kind: string }; versions: { name: string; storage: boolean }[] };
    const stored = spec.versions.find((v) => v.storage);
    if (spec.scope === "Namespaced" && stored && spec.group !== "clusterctl.cluster.x-k8s.io") kinds.push({ apiVersion: `${spec.group}/${stored.name}`, kind: spec.names.kind });
  }
  // A list's items of built-in kinds come without apiVersion and kind: put them back.
  const objects = (await Promise.all(kinds.map(async (k) => (await source.list(k.apiVersion, k.kind, namespace)).map((o) => ({ ...o, apiVersion: k.apiVersion, kind: k.kind }))))).flat();
  return discover(objects, namespace);
}
