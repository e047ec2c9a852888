// Sandbox-only view of what disks hold, read from the world file (never exposed by the API):
// what the rescue system wrote to a server's disk, and what a snapshot captured.
import { join } from "node:path";
import { loadWorld, WORLD_FILE } from "./store.js";
import type { DiskRecord } from "./world-types.js";

export type { DiskRecord };

/** The disk of a server: null when it still holds the image it was created from untouched. */
export async function readServerDisk(dir: string, serverId: number): Promise<DiskRecord | null | undefined> {
  const world = await loadWorld(join(dir, WORLD_FILE));
  const s = world.servers.find((x) => x.id === serverId);
  return s ? s.disk : undefined;
}

/** What a snapshot holds: null for a snapshot of an untouched system image; undefined when unknown. */
export async function readImageDisk(dir: string, imageId: number): Promise<DiskRecord | null | undefined> {
  const world = await loadWorld(join(dir, WORLD_FILE));
  const img = world.images.find((x) => x.id === imageId);
  return img ? img.disk : undefined;
}
