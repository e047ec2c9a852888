// The state as the read commands (state list/show, output) see it: the file plus any journal a
// crashed run left, with secrets left as markers (shown as "(sensitive)") unless asked for.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { AbortError } from "../engine/errors.js";
import { loadState, parseState, statePaths } from "../engine/state-file.js";
import { replayJournal } from "../engine/state-journal.js";
import { journalPath } from "../engine/state-store.js";
import type { StateData } from "../engine/state.js";
import { paths, sameStateFlags, type GlobalOptions } from "./options.js";

/**
 * There is no state file where these flags point (as `terraform state list` says, exit 1): which
 * file was looked for, and the flags that point elsewhere, the sandbox's first when it has one.
 */
export function noStateError(opts: GlobalOptions, command: string): AbortError {
  const file = paths(opts).state;
  const sandbox = !opts.sandbox && !opts.state && existsSync(paths({ ...opts, sandbox: true }).state);
  const next = sandbox
    ? `the sandbox has a state: ${command}${sameStateFlags({ ...opts, sandbox: true })}`
    : "if it lives elsewhere, point at it: --sandbox for the sandbox's, -c CONFIG for another config's, --state PATH for any file";
  return new AbortError(`no state at ${file}: nothing was applied with it yet`, next);
}

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
