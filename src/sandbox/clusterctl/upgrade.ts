// `clusterctl upgrade plan` and `upgrade apply` as v1.10.10 runs them on one management group:
// plan compares each inventory Provider with the newest release on the v1beta1 contract; apply
// (--contract, or `[namespace/]name:version` per type) refuses a target on another contract,
// then per provider replaces its components (the controller Deployment's image tag, so it rolls)
// and its inventory record's version.
import { ClusterClient } from "./cluster-client.js";
import { CERT_MANAGER_VERSION, inventoryObject, providerComponents, type Obj } from "./components.js";
import { goDuration, logLine, type Io } from "./io.js";
import { ClusterctlError, namedByType, resolveProvider, TYPE_ORDER, type ProviderRequest, type ProviderType } from "./providers.js";

const CONTRACT = "v1beta1";

export interface Inventory {
  obj: Obj;
  label: string;
  namespace: string;
  type: ProviderType;
  providerName: string;
  version: string;
}

export async function readInventory(client: ClusterClient): Promise<Inventory[]> {
  const items = await client.list("clusterctl.cluster.x-k8s.io/v1alpha3", "Provider");
  return items
    .map((o) => ({ obj: o, label: o.metadata.name, namespace: o.metadata.namespace ?? "", type: String(o.type) as ProviderType, providerName: String(o.providerName), version: String(o.version) }))
    .sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
}

const pad = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join("").trimEnd()).join("\n") + "\n";
};

export async function upgradePlan(opts: { kubeconfig?: string | undefined; kubeconfigContext?: string | undefined }, io: Io): Promise<void> {
  const client = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const inventory = await readInventory(client);
  if (!inventory.some((p) => p.type === "CoreProvider")) throw new ClusterctlError("invalid management cluster: there must be one core provider, found 0");
  io.stdout(`Checking cert-manager version...\nCert-Manager is already up to date\n\nChecking new release availability...\n\n`);
  const rows = [["NAME", "NAMESPACE", "TYPE", "CURRENT VERSION", "NEXT VERSION"]];
  let behind = false;
  for (const p of inventory) {
    const next = resolveProvider(p.providerName, p.type).version;
    const up = compare(next, p.version) <= 0;
    behind ||= !up;
    rows.push([p.label, p.namespace, p.type, p.version, up ? "Already up to date" : next]);
  }
  io.stdout(`Latest release available for the ${CONTRACT} API Version of Cluster API (contract):\n\n${pad(rows)}\n`);
  io.stdout(behind ? `You can now apply the upgrade by executing the following command:\n\nclusterctl upgrade apply --contract ${CONTRACT}\n\n` : "You are already up to date!\n\n");
}

function compare(a: string, b: string): number {
  const n = (v: string) => v.replace(/^v/, "").split(".").map(Number);
  const [x, y] = [n(a), n(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export interface UpgradeApplyOptions {
  kubeconfig?: string | undefined;
  kubeconfigContext?: string | undefined;
  contract?: string | undefined;
  core?: string | undefined;
  bootstrap: string[];
  controlPlane: string[];
  infrastructure: string[];
  addon: string[];
  waitProviders: boolean;
  waitProviderTimeoutSeconds: number;
}

/** `[namespace/]name:version` of one type, matched against the inventory. */
function target(arg: string, type: ProviderType, inventory: Inventory[]): { from: Inventory; to: ProviderRequest } {
  const m = /^(?:([^/]+)\/)?([^:/]+):(.+)$/.exec(arg);
  if (!m) throw new ClusterctlError(`invalid provider format: "${arg}": the expected format is [namespace/]name:version`);
  const [, ns, name = "", version = ""] = m;
  const to = resolveProvider(`${name}:${version}`, type, ns);
  const from = inventory.find((p) => p.label === to.label && (ns === undefined || p.namespace === ns));
  if (!from) throw new ClusterctlError(`unable to complete that upgrade: the provider ${to.label}${ns ? ` in namespace ${ns}` : ""} is not installed in the management cluster`);
  return { from, to: { ...to, namespace: from.namespace } };
}

export async function upgradeApply(opts: UpgradeApplyOptions, io: Io): Promise<void> {
  const perType = namedByType(opts);
  const anyItem = perType.some(([, a]) => a.length > 0);
  if (opts.contract && anyItem) throw new ClusterctlError("The --contract flag can't be used in combination with --core, --bootstrap, --control-plane, --infrastructure, --ipam, --runtime-extension, --addon");
  if (!opts.contract && !anyItem) throw new ClusterctlError("one of --contract, --core, --bootstrap, --control-plane, --infrastructure, --ipam, --runtime-extension, --addon should be specified");
  if (opts.contract && opts.contract !== CONTRACT) throw new ClusterctlError(`current version of clusterctl could only upgrade to ${CONTRACT} contract, requested ${opts.contract}`);

  const client = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const inventory = await readInventory(client);
  if (!inventory.some((p) => p.type === "CoreProvider")) throw new ClusterctlError("invalid management cluster: there must be one core provider, found 0");
  const items = opts.contract
    ? inventory.map((from) => ({ from, to: { ...resolveProvider(from.providerName, from.type), namespace: from.namespace } }))
    : perType.flatMap(([type, args]) => args.map((a) => target(a, type, inventory)));
  for (const { to } of items) {
    const contract = to.info.contract(to.version);
    if (contract !== CONTRACT) {
      throw new ClusterctlError(`unable to complete that upgrade: the target version for the provider ${to.label} supports the ${contract} API Version of Cluster API (contract), while the management cluster is using ${CONTRACT}`);
    }
  }
  io.stderr(logLine("Checking cert-manager version..."));
  io.stderr(logLine("Cert-manager is already up to date", { version: CERT_MANAGER_VERSION }));
  io.stderr(logLine("Performing upgrade..."));
  const changed = items.filter(({ from, to }) => from.version !== to.version);
  for (const { from, to } of changed) {
    io.stderr(logLine("Deleting", { Provider: from.label, Version: from.version, Namespace: from.namespace }));
    io.stderr(logLine("Installing", { Provider: to.label, Version: to.version, TargetNamespace: to.namespace }));
    // The components of the new version over the old (CRDs, namespace and user objects stay).
    for (const obj of providerComponents(to)) await client.ensure(obj);
    await client.ensure(inventoryObject(to));
  }
  if (opts.waitProviders && changed.length > 0) {
    io.stderr(logLine("Waiting for providers to be available..."));
    const timeoutMs = opts.waitProviderTimeoutSeconds * 1000;
    for (const { to } of changed) {
      const image = `${to.info.image}:${to.version}`;
      await client.waitFor(async () => (await client.deploymentAvailable(to.namespace, to.info.deployment)) && (await rolledOut(client, to.namespace, to.info.deployment, image)), timeoutMs, `deployment "${to.info.deployment}" is not ready after ${goDuration(opts.waitProviderTimeoutSeconds)}`);
    }
  }
}

/** The Deployment's new template has rolled: its status reports the newest generation, all replicas updated. */
async function rolledOut(client: ClusterClient, namespace: string, name: string, image: string): Promise<boolean> {
  const d = await client.get("apps/v1", "Deployment", namespace, name);
  const spec = d?.spec as { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  const status = d?.status as { observedGeneration?: number; updatedReplicas?: number } | undefined;
  const generation = (d?.metadata as { generation?: number } | undefined)?.generation ?? 0;
  return spec?.template?.spec?.containers?.[0]?.image === image && (status?.observedGeneration ?? 0) >= generation && (status?.updatedReplicas ?? 0) >= (spec?.replicas ?? 1);
}
