// kind v0.29's other commands against the world's clusters: delete cluster(s), get clusters /
// nodes / kubeconfig, export kubeconfig, version. Data on stdout, everything else on stderr.
import { arch } from "node:os";
import { mergeKubeconfig, mergeTarget, removeFromKubeconfigs, removeTargets } from "./kind-kubeconfig.js";
import { KIND_VERSION } from "./kind-help.js";
import { clusterName, goQuoteList, KindError, noControlPlane, openWorld, viaWorld, type KindContext } from "./kind-world.js";

const explicitKubeconfig = (ctx: KindContext) => (typeof ctx.flags.kubeconfig === "string" && ctx.flags.kubeconfig !== "" ? ctx.flags.kubeconfig : undefined);

function noArgs(ctx: KindContext, cmd: string): void {
  if (ctx.positional.length > 0) throw new KindError(`unknown command "${ctx.positional[0] ?? ""}" for "kind ${cmd}"`);
}

async function deleteOne(ctx: KindContext, name: string): Promise<void> {
  const world = await openWorld(ctx, "failed to delete cluster");
  ctx.log(`Deleting cluster "${name}" ...`);
  const cluster = await viaWorld("failed to delete cluster", () => world.get(name));
  // kind removes the kubeconfig entries whether or not the nodes are still there.
  await removeFromKubeconfigs(removeTargets(explicitKubeconfig(ctx), ctx.env), `kind-${name}`).catch((err: Error) => ctx.log(`ERROR: failed to update kubeconfig: ${err.message}`));
  if (!cluster) return;
  await viaWorld("failed to delete cluster", () => world.delete(name));
  ctx.log(`Deleted nodes: ${goQuoteList(cluster.nodes.map((n) => n.name))}`);
}

export async function deleteCluster(ctx: KindContext): Promise<void> {
  noArgs(ctx, "delete cluster");
  await deleteOne(ctx, clusterName(ctx));
}

export async function deleteClusters(ctx: KindContext): Promise<void> {
  let names = ctx.positional;
  if (ctx.flags.all === true) {
    const world = await openWorld(ctx, "failed to delete clusters");
    names = (await viaWorld("failed to list clusters", () => world.list())).map((c) => c.name);
  } else if (names.length === 0) {
    throw new KindError("no cluster names provided");
  }
  for (const name of names) await deleteOne(ctx, name);
  ctx.log(`Deleted clusters: ${goQuoteList(names)}`);
}

export async function getClusters(ctx: KindContext): Promise<void> {
  noArgs(ctx, "get clusters");
  const world = await openWorld(ctx, "failed to list clusters");
  // Workload clusters (made by the simulated CAPI providers) are no kind containers: real kind never lists them.
  const names = (await viaWorld("failed to list clusters", () => world.list())).filter((c) => c.kind === "kind").map((c) => c.name).sort();
  if (names.length === 0) ctx.log("No kind clusters found.");
  for (const n of names) ctx.stdout(`${n}\n`);
}

export async function getNodes(ctx: KindContext): Promise<void> {
  noArgs(ctx, "get nodes");
  const world = await openWorld(ctx, "failed to list nodes");
  const clusters = await viaWorld("failed to list nodes", () => world.list());
  const name = clusterName(ctx);
  const chosen = ctx.flags["all-clusters"] === true ? clusters : clusters.filter((c) => c.name === name);
  const nodes = chosen.flatMap((c) => c.nodes.map((n) => n.name));
  if (nodes.length === 0) ctx.log(ctx.flags["all-clusters"] === true ? "No kind nodes found." : `No kind nodes found for cluster "${name}".`);
  for (const n of nodes) ctx.stdout(`${n}\n`);
}

async function kubeconfigOf(ctx: KindContext, name: string): Promise<string> {
  const world = await openWorld(ctx, "failed to get cluster kubeconfig");
  const yaml = await viaWorld("failed to get cluster kubeconfig", () => world.kubeconfig(name, { context: `kind-${name}`, internal: ctx.flags.internal === true }));
  if (yaml === undefined) throw noControlPlane(name);
  return yaml;
}

export async function getKubeconfig(ctx: KindContext): Promise<void> {
  noArgs(ctx, "get kubeconfig");
  const yaml = await kubeconfigOf(ctx, clusterName(ctx));
  ctx.stdout(`${yaml.endsWith("\n") ? yaml : `${yaml}\n`}\n`);
}

export async function exportKubeconfig(ctx: KindContext): Promise<void> {
  noArgs(ctx, "export kubeconfig");
  const name = clusterName(ctx);
  const yaml = await kubeconfigOf(ctx, name);
  await mergeKubeconfig(mergeTarget(explicitKubeconfig(ctx), ctx.env), yaml).catch((err: Error) => {
    throw new KindError(`failed to export kubeconfig: ${err.message}`);
  });
  ctx.log(`Set kubectl context to "kind-${name}"`);
}

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };

export async function version(ctx: KindContext): Promise<void> {
  noArgs(ctx, "version");
  ctx.stdout(`kind v${KIND_VERSION} go1.24.2 linux/${GOARCH[arch()] ?? arch()}\n`);
}
