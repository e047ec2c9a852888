// The world in memory plus its file. Handlers mutate `data` synchronously and call touch();
// the HTTP layer awaits flush() before answering, so an answered mutation is on disk
// (temp file + fsync + rename). Writes are chained, so the file always ends at the latest state.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../engine/atomic-file.js";
import { emptyWorld, type WorldData } from "./world-types.js";

export const WORLD_FILE = "hcloud.json";

export class WorldStore {
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    public data: WorldData,
  ) {}

  static async open(dir: string): Promise<WorldStore> {
    const path = join(dir, WORLD_FILE);
    return new WorldStore(path, await loadWorld(path));
  }

  touch(): void {
    this.dirty = true;
  }

  newId(): number {
    this.touch();
    return this.data.nextId++;
  }

  /** Writes the current state if anything changed since the last flush. */
  flush(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      const text = JSON.stringify(this.data, null, 1) + "\n";
      this.writing = this.writing.then(() => writeFileAtomic(this.path, text, 0o600));
    }
    return this.writing;
  }
}

export async function loadWorld(path: string): Promise<WorldData> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyWorld();
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path}: the sandbox world is not valid JSON; run \`hk sandbox reset\` to start over`);
  }
  const data = parsed as Partial<WorldData> | null;
  if (!data || typeof data !== "object" || data.version !== 1) {
    throw new Error(`${path}: unknown sandbox world format; run \`hk sandbox reset\` to start over`);
  }
  // Collections added in later versions of this file start empty.
  return { ...emptyWorld(), ...data };
}
