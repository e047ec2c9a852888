// A file-backed stand-in for a remote API, for engine tests: the seam where a real provider
import type { JsonObject } from "../../src/engine/values.js";
// would be. Each call is logged; latency and failures are set per object through its inputs.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface FakeObject {
  type: string;
  owner: string;
  /** The owner mark: the lineage of the state that made or adopted it (absent: unmarked). */
  lineage?: string;
  inputs: JsonObject;
}

export interface FakeWorldData {
  nextId: number;
  objects: Record<string, FakeObject>;
  log: string[];
}

export class FakeWorld {
  constructor(readonly path: string) {}

  read(): FakeWorldData {
    if (!existsSync(this.path)) return { nextId: 1, objects: {}, log: [] };
    return JSON.parse(readFileSync(this.path, "utf8")) as FakeWorldData;
  }

  /** Change the world atomically (a SIGKILL never leaves it torn). */
  mutate<T>(fn: (w: FakeWorldData) => T): T {
    const w = this.read();
    const out = fn(w);
    writeFileSync(`${this.path}.tmp`, JSON.stringify(w, null, 2));
    renameSync(`${this.path}.tmp`, this.path);
    return out;
  }

  log(line: string): void {
    this.mutate((w) => w.log.push(line));
  }
}
