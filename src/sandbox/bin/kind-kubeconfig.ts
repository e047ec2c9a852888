// kind's kubeconfig handling (pkg/cluster/internal/kubeconfig): which file it writes, merging a
// cluster's `kind-NAME` cluster, user and context into it (others kept), removing them again, and
// how: the file locked (`PATH.lock`), its folder 0755, the file 0600, replaced atomically, keys
// sorted as kind's sigs.k8s.io/yaml writes them.
import { existsSync } from "node:fs";
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { writeFileAtomic } from "../../engine/atomic-file.js";

type Entry = { name: string; [k: string]: unknown };
interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Entry[] | null;
  users?: Entry[] | null;
  contexts?: Entry[] | null;
  "current-context"?: string;
  preferences?: unknown;
  [k: string]: unknown;
}

const LISTS = ["clusters", "users", "contexts"] as const;

function kubeconfigList(env: NodeJS.ProcessEnv): string[] {
  return [...new Set((env.KUBECONFIG ?? "").split(":").filter((p) => p !== ""))];
}

/** The file create and export merge into: --kubeconfig, else $KUBECONFIG's first existing file (its last if none exist), else ~/.kube/config. */
export function mergeTarget(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const list = kubeconfigList(env);
  if (list.length > 0) return list.find((p) => existsSync(p)) ?? (list.at(-1) as string);
  return join(env.HOME ?? homedir(), ".kube", "config");
}

/** The files delete cleans: --kubeconfig, else every file in $KUBECONFIG, else ~/.kube/config. */
export function removeTargets(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const list = kubeconfigList(env);
  return list.length > 0 ? list : [join(env.HOME ?? homedir(), ".kube", "config")];
}

async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  // kind fails at once on a held lock; a few short retries spare a parallel kind a spurious error.
  for (let attempt = 0; ; attempt++) {
    try {
      await (await open(lock, "wx", 0o600)).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 20) throw new Error(`failed to lock config file: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function load(path: string): Promise<KubeconfigDoc | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const doc = parse(text) as unknown;
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new Error(`failed to load kubeconfig ${path}: not a kubeconfig`);
  return doc as KubeconfigDoc;
}

async function save(path: string, doc: KubeconfigDoc): Promise<void> {
  await writeFileAtomic(path, stringify(doc, { sortMapEntries: true, lineWidth: 0, indentSeq: false }), 0o600);
}

/** Merges the one-cluster kubeconfig `yaml` (entries named `kind-NAME`) into `path`, current-context set to it. */
export async function mergeKubeconfig(path: string, yaml: string): Promise<void> {
  const incoming = parse(yaml) as KubeconfigDoc;
  const context = incoming["current-context"] ?? incoming.contexts?.[0]?.name ?? "";
  await withLock(path, async () => {
    const doc: KubeconfigDoc = (await load(path)) ?? {};
    doc.apiVersion ??= "v1";
    doc.kind ??= "Config";
    doc.preferences ??= {};
    for (const key of LISTS) {
      const mine = incoming[key] ?? [];
      const names = new Set(mine.map((e) => e.name));
      doc[key] = [...(doc[key] ?? []).filter((e) => !names.has(e.name)), ...mine];
    }
    doc["current-context"] = context;
    await save(path, doc);
  });
}

/** Removes `name`'s entries from each file that exists (clearing current-context if it was one). */
export async function removeFromKubeconfigs(paths: string[], name: string): Promise<void> {
  for (const path of paths) {
    if (!existsSync(path)) continue;
    await withLock(path, async () => {
      const doc = await load(path);
      if (!doc) return;
      let changed = false;
      for (const key of LISTS) {
        const before = doc[key] ?? [];
        const after = before.filter((e) => e.name !== name);
        if (after.length !== before.length) {
          doc[key] = after;
          changed = true;
        }
      }
      if (doc["current-context"] === name) {
        doc["current-context"] = "";
        changed = true;
      }
      if (changed) await save(path, doc);
    });
  }
}

/** Renames the entries of a one-cluster kubeconfig to `name` (kind calls them all kind-NAME). */
export function renameEntries(yaml: string, name: string): string {
  const doc = parse(yaml) as KubeconfigDoc;
  for (const key of LISTS) for (const e of doc[key] ?? []) e.name = name;
  for (const e of doc.contexts ?? []) {
    const ctx = (e.context ?? {}) as Record<string, unknown>;
    ctx.cluster = name;
    ctx.user = name;
    e.context = ctx;
  }
  doc["current-context"] = name;
  return stringify(doc, { sortMapEntries: true, lineWidth: 0, indentSeq: false });
}
