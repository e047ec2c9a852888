// Reading and writing the state file and its secrets sidecar. Loading goes through the schema;
// anything unreadable is refused with the file named and left exactly as it was.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "./atomic-file.js";
import { AbortError } from "./errors.js";
import { formatIssues } from "./issues.js";
import { joinSecrets, openSecrets, sealSecrets, secretsFileSchema, splitSecrets, type SensitivePaths } from "./secrets.js";
import { STATE_FORMAT, stateSchema, type StateData } from "./state.js";

export interface StatePaths {
  state: string;
  secrets: string;
  backup: string;
  lock: string;
}

export function statePaths(statePath: string): StatePaths {
  const base = statePath.endsWith(".json") ? statePath.slice(0, -".json".length) : statePath;
  return { state: statePath, secrets: `${base}.secrets.json`, backup: `${statePath}.backup`, lock: `${statePath}.lock` };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AbortError(`${path}: cannot read the state file: ${(err as Error).message}`);
  }
}

/**
 * What to do about a state file that cannot be read: restore the backup when there is one (it
 * first appears with a state's second write), else start afresh: hk finds its objects by their
 * labels, and their owner mark (the lost state's lineage) makes it ask before adopting them.
 */
export function brokenStateHint(path: string): string {
  const backup = `${path}.backup`;
  if (existsSync(backup)) return `restore it from ${backup} (cp ${backup} ${path}) or repair it by hand`;
  return `there is no ${backup} yet: repair it by hand, or move it aside (mv ${path} ${path}.broken) and run hk plan again: it finds what hk made by its labels and names what to take over with --adopt ADDRESS`;
}

function parseJson(text: string, path: string, hint = brokenStateHint(path)): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AbortError(`${path}: not valid JSON (${(err as Error).message}); the file is left untouched`, hint);
  }
}

/** Parse and check a state file's text. Refuses newer formats before anything else. */
export function parseState(text: string, path: string): StateData {
  const raw = parseJson(text, path);
  const format = (raw as { format?: unknown } | null)?.format;
  if (typeof format === "number" && format > STATE_FORMAT) {
    throw new AbortError(`${path}: written by a newer hk (state format ${format}; this hk reads format ${STATE_FORMAT}); the file is left untouched`, "upgrade hk");
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) throw new AbortError(`${path}: not a valid hk state file: ${formatIssues(parsed.error.issues)}; the file is left untouched`);
  const state = parsed.data as StateData;
  const twice = duplicateRecords(state);
  if (twice.length > 0) throw new AbortError(`${path}: not a valid hk state file: ${twice.join("; ")}; the file is left untouched`, brokenStateHint(path));
  return state;
}

/**
 * Records that cannot stand together: an address stands for one live object (deposed and
 * tainted ones may sit beside it), and one object belongs to one record.
 */
function duplicateRecords(state: StateData): string[] {
  const out: string[] = [];
  const live = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const r of state.resources) {
    if (r.status === "created" || r.status === "dormant") live.set(r.address, (live.get(r.address) ?? 0) + 1);
    if (r.id !== null) ids.set(`${r.type} ${r.id}`, (ids.get(`${r.type} ${r.id}`) ?? 0) + 1);
  }
  for (const [address, n] of live) if (n > 1) out.push(`${address} is recorded ${n} times`);
  for (const [key, n] of ids) if (n > 1) out.push(`${key.replace(" ", " object ")} is recorded ${n} times`);
  return out;
}

/** The state with its secrets joined back in, or undefined when there is no state file yet. */
export async function loadState(paths: StatePaths, key: string | undefined): Promise<{ state: StateData; missingSecrets: string[] } | undefined> {
  const text = await readIfExists(paths.state);
  if (text === undefined) return undefined;
  const state = parseState(text, paths.state);
  const secretsText = await readIfExists(paths.secrets);
  if (secretsText === undefined) {
    const { missing } = joinSecrets(state, {});
    return { state, missingSecrets: missing };
  }
  const parsed = secretsFileSchema.safeParse(parseJson(secretsText, paths.secrets, `restore it from ${paths.secrets}.backup if there is one, or repair it by hand`));
  if (!parsed.success) throw new AbortError(`${paths.secrets}: not a valid hk secrets file: ${formatIssues(parsed.error.issues)}`);
  if (parsed.data.lineage !== state.lineage) {
    throw new AbortError(`${paths.secrets}: belongs to another state (lineage ${parsed.data.lineage}, state has ${state.lineage})`);
  }
  const joined = joinSecrets(state, openSecrets(parsed.data, key, paths.secrets));
  return { state: joined.state, missingSecrets: joined.missing };
}

/**
 * Write state and secrets atomically, secrets first: a crash between the two leaves a sidecar
 * that is at most one write ahead, which loading tolerates (extra entries are ignored).
 */
export async function saveState(paths: StatePaths, state: StateData, key: string | undefined, sensitiveOf: (type: string) => SensitivePaths | undefined): Promise<void> {
  // Serialise synchronously, before the first await: the caller may change the state meanwhile.
  const split = splitSecrets(state, sensitiveOf);
  const stateText = JSON.stringify(split.state, null, 2) + "\n";
  const needSecrets = Object.keys(split.secrets).length > 0 || existsSync(paths.secrets);
  const secretsText = needSecrets ? JSON.stringify(sealSecrets(split.secrets, state.lineage, state.serial, key), null, 2) + "\n" : undefined;
  if (secretsText !== undefined) await writeFileAtomic(paths.secrets, secretsText, 0o600);
  await writeFileAtomic(paths.state, stateText, 0o600);
}

/** Keep one copy of the files as they were before this run changed them. */
export async function backupState(paths: StatePaths): Promise<void> {
  for (const [from, to] of [
    [paths.state, paths.backup],
    [paths.secrets, `${paths.secrets}.backup`],
  ] as const) {
    const text = await readIfExists(from);
    if (text !== undefined) {
      await writeFileAtomic(to, text, 0o600);
    }
  }
}

