// `kind create cluster`, as kind v0.29 runs it (pkg/cluster/internal/create): options and config
// first, the existence check before anything else, then the steps as ` • STEP  ...` / ` ✓ STEP`
// lines on stderr, the kubeconfig merged, and the closing lines. The cluster itself is made by the
// world's holder, through its control endpoint.
import { parse } from "yaml";
import { ControlError } from "../clusters/control-client.js";
import { CLUSTER_NAME_RE, type ClusterNode } from "../clusters/types.js";
import { formatGoDuration } from "./kind-args.js";
import { mergeKubeconfig, mergeTarget } from "./kind-kubeconfig.js";
import { clusterName, DEFAULT_IMAGE, KindError, openWorld, viaWorld, type KindContext } from "./kind-world.js";

interface KindConfig {
  name?: string;
  nodes: { role: "control-plane" | "worker"; image?: string }[];
}

const SALUTATIONS = [
  "Have a nice day! 👋",
  "Thanks for using kind! 😊",
  "Not sure what to do next? 😅  Check out https://kind.sigs.k8s.io/docs/user/quick-start/",
  "Have a question, bug, or feature request? Let us know! https://kind.sigs.k8s.io/#community 🙂",
];

const fail = (why: string) => new KindError(`failed to create cluster: ${why}`);

async function readConfig(ctx: KindContext): Promise<KindConfig> {
  const path = ctx.flags.config;
  if (typeof path !== "string" || path === "") return { nodes: [{ role: "control-plane" }] };
  let text: string;
  try {
    text = await ctx.readInput(path);
  } catch (err) {
    throw fail(`error reading file: open ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (err as Error).message}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw fail(`unable to decode config: ${(err as Error).message.split("\n")[0] ?? ""}`);
  }
  if (doc.kind !== "Cluster") throw fail(`unknown kind: ${String(doc.kind ?? "")}`);
  if (doc.apiVersion !== "kind.x-k8s.io/v1alpha4") throw fail(`unknown apiVersion: ${String(doc.apiVersion ?? "")}`);
  const nodes = Array.isArray(doc.nodes) && doc.nodes.length > 0 ? (doc.nodes as Record<string, unknown>[]) : [{ role: "control-plane" }];
  const parsed = nodes.map((n, i) => {
    const role = n.role ?? "control-plane";
    if (role !== "control-plane" && role !== "worker") throw fail(`invalid configuration: nodes[${i}]: '${String(role)}' is not a valid node role`);
    return { role, ...(typeof n.image === "string" ? { image: n.image } : {}) } as KindConfig["nodes"][number];
  });
  if (!parsed.some((n) => n.role === "control-plane")) throw fail("invalid configuration: must have at least one control-plane node");
  return { ...(typeof doc.name === "string" ? { name: doc.name } : {}), nodes: parsed };
}

/** kind's node names: NAME-control-plane, NAME-control-plane2, ..., NAME-worker, NAME-worker2, ... */
function nodeNames(name: string, cfg: KindConfig): ClusterNode[] {
  const seen = { "control-plane": 0, worker: 0 };
  const ordered = [...cfg.nodes.filter((n) => n.role === "control-plane"), ...cfg.nodes.filter((n) => n.role === "worker")];
  return ordered.map((n) => {
    const i = ++seen[n.role];
    return { name: `${name}-${n.role}${i === 1 ? "" : i}`, role: n.role };
  });
}

/** The Kubernetes version a node image runs: its tag, vX.Y.Z (an @sha256 digest may follow). */
function imageVersion(image: string): string | undefined {
  return /:(v\d+\.\d+\.\d+)(@sha256:[0-9a-f]{64})?$/.exec(image)?.[1];
}

/** kind's --wait: polls the control plane's Ready condition; a timeout is a warning, not an error. */
async function waitReady(ctx: KindContext, name: string, waitMs: number, ready: () => Promise<boolean | undefined>): Promise<void> {
  const title = `Waiting ≤ ${formatGoDuration(waitMs)} for control-plane = Ready ⏳`;
  const started = Date.now();
  ctx.log(` • ${title}  ...`);
  for (;;) {
    const now = await ready();
    if (now === undefined) throw fail(`the cluster "${name}" went away while it was being created`);
    if (now) break;
    if (Date.now() - started >= waitMs) {
      ctx.log(` ✗ ${title}`);
      ctx.log(" • WARNING: Timed out waiting for Ready ⚠️");
      return;
    }
    await new Promise((r) => setTimeout(r, Math.min(250, waitMs)));
  }
  ctx.log(` ✓ ${title}`);
  ctx.log(` • Ready after ${formatGoDuration(Date.now() - started)} 💚`);
}

export async function createCluster(ctx: KindContext): Promise<void> {
  if (ctx.positional.length > 0) throw new KindError(`unknown command "${ctx.positional[0] ?? ""}" for "kind create cluster"`);
  const cfg = await readConfig(ctx);
  const name = clusterName(ctx, cfg.name ?? "kind");
  const world = await openWorld(ctx, "failed to create cluster");
  if (await viaWorld("failed to create cluster", () => world.get(name))) throw fail(`node(s) already exist for a cluster with the name "${name}"`);
  if (!CLUSTER_NAME_RE.test(name)) throw fail(`'${name}' is not a valid cluster name, cluster names must match \`${CLUSTER_NAME_RE.source}\``);
  const image = typeof ctx.flags.image === "string" && ctx.flags.image !== "" ? ctx.flags.image : (cfg.nodes.find((n) => n.role === "control-plane")?.image ?? DEFAULT_IMAGE);
  const nodes = nodeNames(name, cfg);

  ctx.log(`Creating cluster "${name}" ...`);
  const step = async (title: string, work: () => Promise<void> = async () => undefined) => {
    ctx.log(` • ${title}  ...`);
    try {
      await work();
    } catch (err) {
      ctx.log(` ✗ ${title}`);
      throw err instanceof KindError ? err : fail((err as Error).message);
    }
    ctx.log(` ✓ ${title}`);
  };
  const version = imageVersion(image);
  await step(`Ensuring node image (${image}) 🖼`, async () => {
    if (!version) throw fail(`failed to pull image "${image}": the sandbox has node images tagged vX.Y.Z only (e.g. ${DEFAULT_IMAGE})`);
  });
  await step(`Preparing nodes ${"📦 ".repeat(nodes.length)}`, async () => {
    try {
      await world.create({ name, kind: "kind", serverVersion: version ?? "", image, nodes });
    } catch (err) {
      // Another kind made it between the existence check and now.
      if (err instanceof ControlError && err.code === "exists") throw fail(`node(s) already exist for a cluster with the name "${name}"`);
      throw fail((err as Error).message);
    }
  });
  await step("Writing configuration 📜");
  await step("Starting control-plane 🕹️");
  await step("Installing CNI 🔌");
  await step("Installing StorageClass 💾");
  if (nodes.some((n) => n.role === "worker")) await step("Joining worker nodes 🚜");
  const waitMs = typeof ctx.flags.wait === "number" ? ctx.flags.wait : 0;
  if (waitMs > 0) await waitReady(ctx, name, waitMs, () => viaWorld("failed to create cluster", () => world.ready(name)));

  const explicit = typeof ctx.flags.kubeconfig === "string" && ctx.flags.kubeconfig !== "" ? ctx.flags.kubeconfig : undefined;
  const context = `kind-${name}`;
  const yaml = await viaWorld("failed to create cluster", () => world.kubeconfig(name, { context, internal: false }));
  if (yaml === undefined) throw fail(`the cluster "${name}" went away while it was being created`);
  await mergeKubeconfig(mergeTarget(explicit, ctx.env), yaml).catch((err: Error) => {
    throw fail(err.message);
  });
  ctx.log(`Set kubectl context to "${context}"`);
  ctx.log("You can now use your cluster with:");
  ctx.log("");
  ctx.log(`kubectl cluster-info --context ${context}${explicit ? ` --kubeconfig ${explicit}` : ""}`);
  ctx.log("");
  ctx.log(SALUTATIONS[Math.floor(Math.random() * SALUTATIONS.length)] ?? "");
}
