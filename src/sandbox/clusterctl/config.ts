// clusterctl's `--config FILE` (root flag) in the sandbox: the file is read and checked as
// clusterctl v1.10.10 reads it (YAML; `providers:` entries {name, url, type}, `cluster-api` only
// as CoreProvider; `cert-manager: {url}`), so a config hk writes for its local repository is
// accepted in both modes. The sandbox keeps installing its built-in components for the versions
// it knows: the repository files a `file://` URL points at are not needed, and not read.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { ClusterctlError, type ProviderType } from "./providers.js";

export interface ConfiguredProvider {
  name: string;
  url: string;
  type: ProviderType;
}

export interface ClusterctlConfig {
  providers: ConfiguredProvider[];
  certManagerUrl: string | undefined;
}

const TYPES = new Set<string>(["CoreProvider", "BootstrapProvider", "ControlPlaneProvider", "InfrastructureProvider", "AddonProvider", "IPAMProvider", "RuntimeExtensionProvider"]);

/** `--config FILE` or `--config=FILE` anywhere on the command line, as pflag takes a root flag. */
export function configFlag(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--config") return argv[i + 1];
    if (a.startsWith("--config=")) return a.slice("--config=".length);
  }
  return undefined;
}

const substitute = (s: string, env: NodeJS.ProcessEnv) => s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, v: string) => env[v] ?? "");

export function loadConfig(path: string, env: NodeJS.ProcessEnv): ClusterctlConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ClusterctlError(`failed to initialize the configuration reader: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? `open ${path}: no such file or directory` : (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new ClusterctlError(`failed to initialize the configuration reader: While parsing config: ${(err as Error).message.split("\n")[0] ?? ""}`);
  }
  const root = (typeof doc === "object" && doc !== null ? doc : {}) as { providers?: unknown; "cert-manager"?: { url?: unknown } };
  const raw = root.providers ?? [];
  if (!Array.isArray(raw)) throw new ClusterctlError(`failed to get configuration for providers: the providers value in ${path} must be a list`);
  const providers = raw.map((p: { name?: unknown; url?: unknown; type?: unknown }): ConfiguredProvider => {
    const name = typeof p.name === "string" ? p.name.toLowerCase() : "";
    const url = typeof p.url === "string" ? substitute(p.url, env) : "";
    const type = typeof p.type === "string" ? p.type : "";
    if (name === "") throw new ClusterctlError("invalid provider configuration: name value cannot be empty");
    if (url === "") throw new ClusterctlError(`invalid provider configuration: url value for provider ${name} cannot be empty`);
    if (!TYPES.has(type)) throw new ClusterctlError(`invalid provider configuration: invalid provider type "${type}" for provider ${name}. Allowed values are [${[...TYPES].join(" ")}]`);
    if (name === "cluster-api" && type !== "CoreProvider") throw new ClusterctlError(`invalid provider configuration: name cluster-api must be used with the CoreProvider type`);
    if (name !== "cluster-api" && type === "CoreProvider") throw new ClusterctlError(`invalid provider configuration: the CoreProvider must be named cluster-api`);
    try {
      new URL(url);
    } catch {
      throw new ClusterctlError(`invalid provider configuration: failed to parse url for provider ${name}: ${url}`);
    }
    return { name, url, type: type as ProviderType };
  });
  const cm = root["cert-manager"]?.url;
  return { providers, certManagerUrl: typeof cm === "string" ? substitute(cm, env) : undefined };
}
