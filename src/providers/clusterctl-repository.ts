// The local provider repository hk points clusterctl at in real mode: each provider's release files
// downloaded ONCE from its GitHub release (plain download URLs, no GitHub API call) into clusterctl's
// local-repository layout `<dir>/<provider-label>/<version>/<file>`, and a clusterctl config whose
// `providers:` and `cert-manager:` name them by file:// URL. clusterctl then never lists releases
// through the API, so runs do not depend on its 60-calls-an-hour quota (peers/LESSONS.md).
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { AbortError, ExternalError } from "../engine/errors.js";
import type { CapiProviderKind, CapiProviderSet } from "./clusterctl.js";

/** cert-manager as clusterctl v1.10.10 installs it by default. */
export const CERT_MANAGER_VERSION = "v1.19.1";

interface Source {
  /** clusterctl's provider type and the label of its folder. */
  type: string;
  label: string;
  repo: string;
  files: string[];
}

/** Where each provider hk knows publishes its release files (the components file clusterctl reads first). */
const SOURCES: Record<string, Source> = {
  "core/cluster-api": { type: "CoreProvider", label: "cluster-api", repo: "kubernetes-sigs/cluster-api", files: ["core-components.yaml", "metadata.yaml"] },
  "bootstrap/talos": { type: "BootstrapProvider", label: "bootstrap-talos", repo: "siderolabs/cluster-api-bootstrap-provider-talos", files: ["bootstrap-components.yaml", "metadata.yaml"] },
  "controlPlane/talos": { type: "ControlPlaneProvider", label: "control-plane-talos", repo: "siderolabs/cluster-api-control-plane-provider-talos", files: ["control-plane-components.yaml", "metadata.yaml"] },
  "infrastructure/hetzner": { type: "InfrastructureProvider", label: "infrastructure-hetzner", repo: "syself/cluster-api-provider-hetzner", files: ["infrastructure-components.yaml", "metadata.yaml"] },
  "addon/helm": { type: "AddonProvider", label: "addon-helm", repo: "kubernetes-sigs/cluster-api-addon-provider-helm", files: ["addon-components.yaml", "metadata.yaml"] },
};

const KINDS: CapiProviderKind[] = ["core", "bootstrap", "controlPlane", "infrastructure", "addon"];

export interface RepositoryOptions {
  /** Default https://github.com; tests serve release files from a local HTTP server. */
  baseUrl?: string;
  certManagerVersion?: string;
  /** Per attempt, default 60 s. */
  timeoutMs?: number;
  /** Attempts per file, default 3 (network errors, 429 and 5xx are retried; 404 is not). */
  attempts?: number;
  signal?: AbortSignal | undefined;
  /** Told before each download, for progress. */
  onFetch?: (url: string) => void;
}

const exists = (p: string) => stat(p).then((s) => s.isFile() && s.size > 0, () => false);

/** Writes beside the target and renames: a reader never sees half a file. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, data, { mode: 0o644 });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

async function download(url: string, path: string, o: RepositoryOptions): Promise<void> {
  const attempts = o.attempts ?? 3;
  const timeoutMs = o.timeoutMs ?? 60_000;
  let last = "";
  for (let i = 1; i <= attempts; i++) {
    if (o.signal?.aborted) throw new ExternalError(`interrupted while downloading ${url}`, false, "interrupted");
    o.onFetch?.(url);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const res = await fetch(url, { signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout, redirect: "follow" });
      if (res.ok) {
        await writeAtomic(path, new Uint8Array(await res.arrayBuffer()));
        return;
      }
      last = `the server answered ${res.status} ${res.statusText}`.trim();
      if (res.status !== 429 && res.status < 500) break;
    } catch (err) {
      if (o.signal?.aborted) throw new ExternalError(`interrupted while downloading ${url}`, false, "interrupted");
      last = timeout.aborted ? `no answer within ${timeoutMs / 1000}s` : (err as Error).message;
    }
    if (i < attempts) await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
  }
  throw new ExternalError(`download of ${url} failed: ${last}`, true, "download");
}

/**
 * Fills `dir` with the release files of `providers` (those already there are not fetched again)
 * and writes `<dir>/clusterctl.yaml`; returns its path, for ClusterctlEnv.configPath.
 */
export async function prepareProviderRepository(dir: string, providers: CapiProviderSet, opts: RepositoryOptions = {}): Promise<string> {
  const root = resolve(dir);
  const base = (opts.baseUrl ?? "https://github.com").replace(/\/+$/, "");
  const entries: { name: string; url: string; type: string }[] = [];
  for (const kind of KINDS) {
    const [name = "", version = ""] = providers[kind].split(":");
    const source = SOURCES[`${kind}/${name}`];
    if (!source) throw new AbortError(`hk has no release source for the ${kind} provider "${name}" (it knows ${Object.keys(SOURCES).join(", ")})`);
    if (!/^v\d+\.\d+\.\d+/.test(version)) throw new AbortError(`the ${kind} provider "${providers[kind]}" needs an explicit version, e.g. ${name}:v1.2.3`);
    for (const file of source.files) {
      const path = join(root, source.label, version, file);
      if (!(await exists(path))) await download(`${base}/${source.repo}/releases/download/${version}/${file}`, path, opts);
    }
    entries.push({ name, url: `file://${join(root, source.label, version, source.files[0] ?? "")}`, type: source.type });
  }
  const cmVersion = opts.certManagerVersion ?? CERT_MANAGER_VERSION;
  const cmPath = join(root, "cert-manager", cmVersion, "cert-manager.yaml");
  if (!(await exists(cmPath))) await download(`${base}/cert-manager/cert-manager/releases/download/${cmVersion}/cert-manager.yaml`, cmPath, opts);
  const configPath = join(root, "clusterctl.yaml");
  const config = { providers: entries, "cert-manager": { url: `file://${cmPath}`, version: cmVersion } };
  await writeAtomic(configPath, `# Written by hk: clusterctl's local provider repository (no GitHub API calls).\n${stringify(config)}`);
  return configPath;
}
