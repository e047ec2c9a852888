// The state as the read commands (state list/show, output) see it: the file plus any journal a
// crashed run left, with secrets left as markers (shown as "(sensitive)") unless asked for.
import { readFile } from "node:fs/promises";
import { AbortError } from "../engine/errors.js";
import { loadState, parseState, statePaths } from "../engine/state-file.js";
import { replayJournal } from "../engine/state-journal.js";
import { journalPath } from "../engine/state-store.js";
import type { StateData } from "../engine/state.js";

export async function readStateForDisplay(statePath: string): Promise<StateData | undefined> {
  const paths = statePaths(statePath);
  let text: string;
  try {
    text = await readFile(paths.state, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AbortError(`${paths.state}: cannot read the state file: ${(err as Error).message}`);
  }
  const state = parseState(text, paths.state);
  await replayJournal(journalPath(paths), state, null, state.journalSeq ?? 0);
  return state;
}

/** The same with the secrets opened (HK_STATE_KEY when the sidecar is sealed): `hk output NAME`. */
export async function readStateWithSecrets(statePath: string, key: string | undefined): Promise<StateData | undefined> {
  const paths = statePaths(statePath);
  const loaded = await loadState(paths, key);
  if (!loaded) return undefined;
  await replayJournal(journalPath(paths), loaded.state, key, loaded.state.journalSeq ?? 0);
  return loaded.state;
}
