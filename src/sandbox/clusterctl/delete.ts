// `clusterctl delete --all | --core/--bootstrap/--control-plane/--infrastructure/--addon [ns/]name`
// as v1.10.10 runs it: per provider its components go (controller, service account, ...) and its
// inventory record; the CRDs stay unless --include-crd (deleting them deletes every object of
// theirs) and the namespace stays unless --include-namespace. cert-manager is left in place.
import { ClusterClient } from "./cluster-client.js";
import { providerComponents } from "./components.js";
import { logLine, type Io } from "./io.js";
import { ClusterctlError, namedByType, resolveProvider, TYPE_ORDER, type ProviderType } from "./providers.js";
import { readInventory, type Inventory } from "./upgrade.js";

export interface DeleteOptions {
  kubeconfig?: string | undefined;
  kubeconfigContext?: string | undefined;
  all: boolean;
  core?: string | undefined;
  bootstrap: string[];
  controlPlane: string[];
  infrastructure: string[];
  addon: string[];
  includeNamespace: boolean;
  includeCrd: boolean;
}

const FLAGS = "--core, --bootstrap, --control-plane, --infrastructure, --ipam, --runtime-extension, --addon";

function pick(arg: string, type: ProviderType, inventory: Inventory[]): Inventory {
  const [ns, name] = arg.includes("/") ? arg.split("/", 2) : [undefined, arg];
  const label = resolveProvider(name ?? "", type).label;
  const found = inventory.find((p) => p.label === label && (ns === undefined || p.namespace === ns));
  if (!found) throw new ClusterctlError(`failed to identify providers to delete: failed to get provider ${label}${ns ? ` in namespace ${ns}` : ""}: not found in the management cluster`);
  return found;
}

export async function deleteProviders(opts: DeleteOptions, io: Io): Promise<void> {
  const perType = namedByType(opts);
  const named = perType.some(([, a]) => a.length > 0);
  if (opts.all && named) throw new ClusterctlError(`The --all flag can't be used in combination with ${FLAGS}`);
  if (!opts.all && !named) throw new ClusterctlError(`At least one of ${FLAGS} should be specified or the --all flag should be set`);

  const client = ClusterClient.open(opts.kubeconfig, opts.kubeconfigContext);
  const inventory = await readInventory(client);
  const chosen = opts.all ? inventory : perType.flatMap(([type, args]) => args.map((a) => pick(a.split(":")[0] ?? a, type, inventory)));
  // Providers go in reverse install order: the core, which the others depend on, last.
  const ordered = [...chosen].sort((a, b) => TYPE_ORDER.indexOf(b.type) - TYPE_ORDER.indexOf(a.type));
  for (const p of ordered) {
    io.stderr(logLine("Deleting", { Provider: p.label, Version: p.version, Namespace: p.namespace }));
    const req = { ...resolveProvider(`${p.providerName}:${p.version}`, p.type), namespace: p.namespace };
    for (const obj of providerComponents(req).reverse()) {
      if (obj.kind === "CustomResourceDefinition" && !opts.includeCrd) continue;
      if (obj.kind === "Namespace" && !opts.includeNamespace) continue;
      await client.delete(obj);
    }
    await client.delete(p.obj);
  }
}
