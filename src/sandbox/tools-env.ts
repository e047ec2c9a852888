// The environment of a child process that should run the sandbox's emulated executables (`kind`,
// later `clusterctl`) instead of the real ones: their folder first on PATH, and the world they talk
// to. hk's execa wrappers use it under --sandbox; `hk sandbox env` prints the same for a shell.
import { delimiter, resolve } from "node:path";

/** bin/sandbox/ of this package: from src/sandbox/ (tests) and dist/sandbox/ (built) alike. */
export const SANDBOX_BIN_DIR = resolve(import.meta.dirname, "../../bin/sandbox");

/** Where the emulated executables find the world (its lock names the holder and control endpoint). */
export const SANDBOX_DIR_VAR = "HK_SANDBOX_DIR";
/** The node the launchers run (this one), so they work on a PATH without node. */
export const SANDBOX_NODE_VAR = "HK_SANDBOX_NODE";

/** Variables to add to a child's environment so it finds the emulated tools and the world in `dir` first. */
export function sandboxToolEnv(dir: string, basePath: string = process.env.PATH ?? ""): Record<string, string> {
  const rest = basePath.split(delimiter).filter((p) => p !== "" && resolve(p) !== SANDBOX_BIN_DIR);
  return {
    PATH: [SANDBOX_BIN_DIR, ...rest].join(delimiter),
    [SANDBOX_DIR_VAR]: resolve(dir),
    [SANDBOX_NODE_VAR]: process.execPath,
  };
}
