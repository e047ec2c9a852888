// `clusterctl describe cluster NAME [-n NS] [--show-conditions all|KIND,...] [--grouping=false]` as
// v1.10.10 prints it without --v1beta2: the tree of the Cluster, its infrastructure cluster, its
// control plane with its Machines and the MachineDeployments with theirs, one row each with the
// READY, SEVERITY, REASON, SINCE, MESSAGE of the object's v1beta1 Ready condition. Machines of one
// parent whose Ready agrees collapse into one "N Machines..." row, as clusterctl groups them.
import { ClusterClient } from "./cluster-client.js";
import type { Obj } from "./components.js";
import type { Io } from "./io.js";
import { ClusterctlError } from "./providers.js";

interface Condition {
  type: string;
  status?: string;
  severity?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface Node {
  name: string;
  obj: Obj | undefined;
  /** A row standing for several objects (grouped Machines), its Ready taken from the first. */
  message?: string;
  children: Node[];
}

export interface DescribeOptions {
  name: string;
  namespace?: string | undefined;
  kubeconfig?: string | undefined;
  kubeconfigContext?: string | undefined;
  /** "all" or kinds, as --show-conditions takes them. */
  showConditions: string[];
  grouping: boolean;
  /** The clock SINCE is measured from (tests pin it). */
  now?: Date;
}

const conditions = (o: Obj | undefined): Condition[] => ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
const ready = (o: Obj | undefined) => conditions(o).find((c) => c.type === "Ready");
const labels = (o: Obj) => o.metadata.labels ?? {};

/** Kubernetes' HumanDuration (apimachinery duration.go), as SINCE shows it. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function sameReady(a: Obj, b: Obj): boolean {
  const [x, y] = [ready(a), ready(b)];
  return x?.status === y?.status && x?.reason === y?.reason && x?.severity === y?.severity;
}

function machines(list: Obj[], grouping: boolean): Node[] {
  const sorted = [...list].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (!grouping) return sorted.map((m) => ({ name: `Machine/${m.metadata.name}`, obj: m, children: [] }));
  const groups: Obj[][] = [];
  for (const m of sorted) {
    const g = groups.find((gr) => gr[0] && sameReady(gr[0], m));
    if (g) g.push(m);
    else groups.push([m]);
  }
  return groups.map((g) => (g.length === 1 || !g[0] ? { name: `Machine/${g[0]?.metadata.name ?? ""}`, obj: g[0], children: [] } : { name: `${g.length} Machines...`, obj: g[0], message: `See ${g.map((m) => m.metadata.name).join(", ")}`, children: [] }));
}

async function ref(client: ClusterClient, r: unknown, namespace: string): Promise<Obj | undefined> {
  const x = r as { apiVersion?: string; kind?: string; name?: string } | undefined;
  if (!x?.apiVersion || !x.kind || !x.name) return undefined;
  return (await client.get(x.apiVersion, x.kind, namespace, x.name)) ?? { apiVersion: x.apiVersion, kind: x.kind, metadata: { name: x.name, namespace } };
}

async function tree(client: ClusterClient, opts: DescribeOptions, namespace: string): Promise<Node> {
  const cluster = await client.get("cluster.x-k8s.io/v1beta1", "Cluster", namespace, opts.name);
  if (!cluster) throw new ClusterctlError(`clusters.cluster.x-k8s.io "${opts.name}" not found`);
  const spec = (cluster.spec ?? {}) as { infrastructureRef?: unknown; controlPlaneRef?: unknown };
  const selector = `cluster.x-k8s.io/cluster-name=${opts.name}`;
  const all = await client.list("cluster.x-k8s.io/v1beta1", "Machine", namespace, selector);
  const deployments = (await client.list("cluster.x-k8s.io/v1beta1", "MachineDeployment", namespace, selector)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const children: Node[] = [];
  const infra = await ref(client, spec.infrastructureRef, namespace);
  if (infra) children.push({ name: `ClusterInfrastructure - ${infra.kind}/${infra.metadata.name}`, obj: infra, children: [] });
  const cp = await ref(client, spec.controlPlaneRef, namespace);
  const isCp = (m: Obj) => "cluster.x-k8s.io/control-plane" in labels(m);
  if (cp) children.push({ name: `ControlPlane - ${cp.kind}/${cp.metadata.name}`, obj: cp, children: machines(all.filter(isCp), opts.grouping) });
  const byMd = (md: Obj) => all.filter((m) => labels(m)["cluster.x-k8s.io/deployment-name"] === md.metadata.name);
  if (deployments.length > 0) {
    children.push({ name: "Workers", obj: undefined, children: deployments.map((md) => ({ name: `MachineDeployment/${md.metadata.name}`, obj: md, children: machines(byMd(md), opts.grouping) })) });
  }
  const rest = all.filter((m) => !(cp && isCp(m)) && !deployments.some((md) => byMd(md).includes(m)));
  children.push(...machines(rest, opts.grouping));
  return { name: `Cluster/${opts.name}`, obj: cluster, children };
}

export async function describeCluster(opts: DescribeOptions, io: Io): Promise<void> {
  const client = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const namespace = opts.namespace ?? "default";
  const root = await tree(client, opts, namespace);
  const now = (opts.now ?? new Date()).getTime();
  const since = (c: Condition | undefined) => (c?.lastTransitionTime ? humanDuration(now - Date.parse(c.lastTransitionTime)) : "");
  const showAll = (o: Obj | undefined) => o !== undefined && opts.showConditions.some((k) => k === "all" || k.toLowerCase() === o.kind.toLowerCase());
  const rows: string[][] = [["NAME", "READY", "SEVERITY", "REASON", "SINCE", "MESSAGE"]];
  const walk = (n: Node, prefix: string, self: string) => {
    const r = ready(n.obj);
    rows.push([self + n.name, r?.status ?? "", r?.severity ?? "", r?.reason ?? "", since(r), n.message ?? r?.message ?? ""]);
    // With --show-conditions, the other conditions are the first children of their object.
    const conds = showAll(n.obj) && !n.message ? conditions(n.obj).filter((c) => c.type !== "Ready") : [];
    conds.forEach((c, i) => {
      const last = i === conds.length - 1 && n.children.length === 0;
      rows.push([`${prefix}${last ? "└─" : "├─"}${c.type}`, c.status ?? "", c.severity ?? "", c.reason ?? "", since(c), c.message ?? ""]);
    });
    n.children.forEach((ch, i) => {
      const last = i === n.children.length - 1;
      walk(ch, prefix + (last ? "  " : "│ "), prefix + (last ? "└─" : "├─"));
    });
  };
  walk(root, "", "");
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length))) ?? [];
  io.stdout(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - [...c].length + 2))).join("").trimEnd()).join("\n") + "\n");
}
