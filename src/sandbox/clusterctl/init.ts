// `clusterctl init` as v1.10.10 runs it: the inventory CRD, the providers resolved (core,
// bootstrap and control plane defaulting on a first run), one instance per provider, one contract,
// cert-manager, then the providers in type order with their inventory records, and on request a
// wait until every controller is Available.
import { ClusterClient } from "./cluster-client.js";
import { certManagerComponents, CERT_MANAGER_CRD, CERT_MANAGER_DEPLOYMENTS, CERT_MANAGER_VERSION, inventoryCrd, inventoryObject, providerComponents } from "./components.js";
import { ClusterctlError, resolveProvider, TYPE_ORDER, type ProviderRequest, type ProviderType } from "./providers.js";
import type { Io } from "./io.js";
import { goDuration, logLine } from "./io.js";

export interface InitOptions {
  kubeconfig?: string | undefined;
  kubeconfigContext?: string | undefined;
  core?: string | undefined;
  bootstrap: string[];
  controlPlane: string[];
  infrastructure: string[];
  addon: string[];
  targetNamespace?: string | undefined;
  waitProviders: boolean;
  waitProviderTimeoutSeconds: number;
}

const CERT_MANAGER_WAIT_MS = 10 * 60_000;

interface Installed {
  name: string;
  namespace: string;
  type: string;
  providerName: string;
  version: string;
}

function requested(opts: InitOptions, firstRun: boolean): ProviderRequest[] {
  const ns = opts.targetNamespace;
  const byType: [ProviderType, string[]][] = [
    ["CoreProvider", opts.core ? [opts.core] : firstRun ? ["cluster-api"] : []],
    ["BootstrapProvider", opts.bootstrap.length > 0 || !firstRun ? opts.bootstrap : ["kubeadm"]],
    ["ControlPlaneProvider", opts.controlPlane.length > 0 || !firstRun ? opts.controlPlane : ["kubeadm"]],
    ["InfrastructureProvider", opts.infrastructure],
    ["AddonProvider", opts.addon],
  ];
  return byType.flatMap(([type, args]) => args.map((a) => resolveProvider(a, type, ns)));
}

/** Drops providers installed as asked; refuses a second instance of one; refuses another contract. */
function toInstall(wanted: ProviderRequest[], installed: Installed[]): ProviderRequest[] {
  const out: ProviderRequest[] = [];
  for (const p of wanted) {
    const same = installed.find((i) => i.name === p.label);
    if (same && same.namespace === p.namespace && same.version === p.version) continue;
    if (same) {
      throw new ClusterctlError(`installing provider "${p.label}" can lead to a non functioning management cluster: there is already an instance of the "${p.label}" provider installed in the "${same.namespace}" namespace`);
    }
    const contract = p.info.contract(p.version);
    if (contract !== "v1beta1") throw new ClusterctlError(`current version of clusterctl is only compatible with v1beta1 providers, detected ${contract} for provider ${p.label}`);
    out.push(p);
  }
  return out.sort((a, b) => TYPE_ORDER.indexOf(a.info.type) - TYPE_ORDER.indexOf(b.info.type));
}

async function installCertManager(client: ClusterClient, io: Io): Promise<void> {
  if (await client.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, CERT_MANAGER_CRD)) {
    io.stderr(logLine("Skipping installing cert-manager as it is already installed"));
    return;
  }
  io.stderr(logLine("Installing cert-manager", { version: CERT_MANAGER_VERSION }));
  for (const obj of certManagerComponents()) await client.ensure(obj);
  io.stderr(logLine("Waiting for cert-manager to be available..."));
  for (const d of CERT_MANAGER_DEPLOYMENTS) {
    await client.waitFor(() => client.deploymentAvailable("cert-manager", d), CERT_MANAGER_WAIT_MS, `timed out waiting for cert-manager to be available: deployment "${d}" is not available`);
  }
}

export async function init(opts: InitOptions, io: Io): Promise<void> {
  const client = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const crd = inventoryCrd();
  if (!(await client.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, crd.metadata.name))) await client.ensure(crd);
  io.stderr(logLine("Fetching providers"));
  const installed = (await client.list("clusterctl.cluster.x-k8s.io/v1alpha3", "Provider")).map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? "", type: String(o.type), providerName: String(o.providerName), version: String(o.version) }));
  const firstRun = !installed.some((i) => i.type === "CoreProvider");
  const providers = toInstall(requested(opts, firstRun), installed);

  await installCertManager(client, io);
  for (const p of providers) {
    io.stderr(logLine("Installing", { provider: p.label, version: p.version, targetNamespace: p.namespace }));
    for (const obj of providerComponents(p)) await client.ensure(obj);
    await client.ensure(inventoryObject(p));
  }
  if (opts.waitProviders && providers.length > 0) {
    io.stderr(logLine("Waiting for providers to be available..."));
    const timeoutMs = opts.waitProviderTimeoutSeconds * 1000;
    for (const p of providers) {
      await client.waitFor(() => client.deploymentAvailable(p.namespace, p.info.deployment), timeoutMs, `deployment "${p.info.deployment}" is not ready after ${goDuration(opts.waitProviderTimeoutSeconds)}`);
    }
  }
  if (firstRun) {
    io.stdout("\nYour management cluster has been initialized successfully!\n\nYou can now create your first workload cluster by running the following:\n\n  clusterctl generate cluster [name] --kubernetes-version [version] | kubectl apply -f -\n\n");
  }
}
