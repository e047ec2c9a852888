// Load cluster.config.ts at run time with no build step (jiti), then validate it. Every problem
// is reported with its path and the file name; nothing is written on failure.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AbortError } from "../engine/errors.js";
import { issueLines } from "../engine/issues.js";
import { isStackModule, type StackModule } from "./define.js";
import { clusterConfigSchema, type ClusterConfig } from "./schema.js";

export type LoadedConfig = { kind: "cluster"; path: string; config: ClusterConfig } | { kind: "stack"; path: string; module: StackModule };

/** The module a config's `import ... from "hkctl"` resolves to: this package's own entry. */
function selfEntry(): string {
  for (const ext of [".js", ".ts"]) {
    const p = fileURLToPath(new URL(`./index${ext}`, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL("./index.js", import.meta.url));
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  if (!existsSync(path)) {
    throw new AbortError(`${path}: no such config file`, "create cluster.config.ts (copy the example from the hk repository) or pass --config PATH");
  }
  const { createJiti } = await import("jiti");
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, alias: { hkctl: selfEntry() } });
  let loaded: unknown;
  try {
    const mod = (await jiti.import(path)) as Record<string, unknown> | null;
    if (mod === null || typeof mod !== "object" || !("default" in mod)) {
      const names = mod && typeof mod === "object" ? Object.keys(mod) : [];
      throw new AbortError(`${path}: has no default export${names.length > 0 ? ` (it exports ${names.join(", ")})` : ""}`, "end it with: export default defineConfig({ ... })");
    }
    loaded = mod.default;
  } catch (err) {
    if (err instanceof AbortError) throw err;
    const message = String((err as Error).message ?? err);
    const first = (message.split("\n")[0] ?? "").trim();
    // jiti puts where a syntax error is on a line of its own: `  /path/cluster.config.ts:2:28`.
    const at = /:(\d+):(\d+)\s*$/m.exec(message.split("\n").slice(1).join("\n"));
    throw new AbortError(`${path}${at ? `:${at[1]}:${at[2]}` : ""}: cannot load the config: ${first}`);
  }
  if (isStackModule(loaded)) return { kind: "stack", path, module: loaded };
  if (typeof loaded !== "object" || loaded === null) {
    throw new AbortError(`${path}: the config must \`export default defineConfig({...})\``);
  }
  const parsed = clusterConfigSchema.safeParse(loaded);
  if (!parsed.success) {
    const lines = issueLines(parsed.error.issues);
    throw new AbortError(`${path}: invalid config (${lines.length} problem${lines.length === 1 ? "" : "s"}):\n  ${lines.join("\n  ")}`, "fix them in the config; hk validate checks it without touching anything");
  }
  return { kind: "cluster", path, config: parsed.data };
}
