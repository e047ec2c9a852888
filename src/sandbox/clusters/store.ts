// Where a world keeps its clusters: `kube/<name>/` holding `cluster.json` (the record: kind,
// version, port, nodes), `pki.json` (CA, client and serving credentials) and `objects.json` (the
// API server's objects, written by the server itself). All 0600 under a 0700 folder; the record
// is written last, so a folder without one is a creation that never finished and is swept.
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { AbortError } from "../../engine/errors.js";
import { writeFileAtomic } from "../../engine/atomic-file.js";
import type { ClusterRecord } from "./types.js";

export const CLUSTERS_DIR = "kube";

const recordSchema = z.object({
  name: z.string(),
  kind: z.enum(["kind", "workload"]),
  serverVersion: z.string(),
  image: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  nodes: z.array(z.object({ name: z.string(), role: z.enum(["control-plane", "worker"]) })),
  createdAt: z.string(),
});

export interface ClusterPaths {
  dir: string;
  record: string;
  pki: string;
  objects: string;
}

export function clusterPaths(worldDir: string, name: string): ClusterPaths {
  const dir = join(worldDir, CLUSTERS_DIR, name);
  return { dir, record: join(dir, "cluster.json"), pki: join(dir, "pki.json"), objects: join(dir, "objects.json") };
}

export async function makeClusterDir(worldDir: string, name: string): Promise<ClusterPaths> {
  const p = clusterPaths(worldDir, name);
  await mkdir(p.dir, { recursive: true, mode: 0o700 });
  return p;
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n", 0o600);
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AbortError(`${path}: not valid JSON (${(err as Error).message})`, "remove the cluster's folder, or empty the world with hk sandbox reset");
  }
}

export async function readPki(paths: ClusterPaths): Promise<unknown> {
  return readJson(paths.pki);
}

/** Every finished cluster of the world, by name; unfinished creations are removed. */
export async function readClusterRecords(worldDir: string): Promise<ClusterRecord[]> {
  let names: string[];
  try {
    names = await readdir(join(worldDir, CLUSTERS_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const records: ClusterRecord[] = [];
  for (const name of names.sort()) {
    const p = clusterPaths(worldDir, name);
    let raw: unknown;
    try {
      raw = await readJson(p.record);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      await rm(p.dir, { recursive: true, force: true });
      continue;
    }
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success || parsed.data.name !== name) {
      throw new AbortError(`${p.record}: not a sandbox cluster record`, "remove the cluster's folder, or empty the world with hk sandbox reset");
    }
    records.push(parsed.data as ClusterRecord);
  }
  return records;
}

export async function removeCluster(worldDir: string, name: string): Promise<void> {
  await rm(clusterPaths(worldDir, name).dir, { recursive: true, force: true });
}

export async function removeAllClusters(worldDir: string): Promise<void> {
  await rm(join(worldDir, CLUSTERS_DIR), { recursive: true, force: true });
}
