// The sandbox's clusterctl command line, as v1.10.10's: command words, then pflag-style flags
// (`--flag value`, `--flag=value`, lists comma-separated or repeated); any error is
// `Error: <message>` on stderr and exit 1. Logs on stderr, data on stdout.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { deleteProviders } from "./delete.js";
import { describeCluster } from "./describe.js";
import { getKubeconfig } from "./get-kubeconfig.js";
import { init } from "./init.js";
import type { Io } from "./io.js";
import { move } from "./move.js";
import { configFlag, loadConfig } from "./config.js";
import { ClusterctlError } from "./providers.js";
import { upgradeApply, upgradePlan } from "./upgrade.js";

export const CLUSTERCTL_VERSION = "v1.10.10";

type Options = NonNullable<ParseArgsConfig["options"]>;

const GLOBAL: Options = {
  config: { type: "string" },
  v: { type: "string", short: "v" },
  help: { type: "boolean", short: "h" },
};
const KUBECONFIG: Options = { kubeconfig: { type: "string" }, "kubeconfig-context": { type: "string" } };

function parse(args: string[], options: Options) {
  try {
    return parseArgs({ args, options: { ...GLOBAL, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    const m = /Unknown option '([^']+)'/.exec((err as Error).message);
    throw new ClusterctlError(m ? `unknown flag: ${m[1]}` : (err as Error).message.split("\n")[0] ?? "bad flags");
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).flatMap((s: string) => s.split(",")).filter((s) => s !== "");

async function runInit(args: string[], io: Io): Promise<void> {
  const multi = { type: "string", multiple: true } as const;
  const { values } = parse(args, {
    ...KUBECONFIG,
    core: { type: "string" },
    bootstrap: { ...multi, short: "b" },
    "control-plane": { ...multi, short: "c" },
    infrastructure: { ...multi, short: "i" },
    ipam: multi,
    "runtime-extension": multi,
    addon: multi,
    "target-namespace": { type: "string", short: "n" },
    "wait-providers": { type: "boolean" },
    "wait-provider-timeout": { type: "string" },
    validate: { type: "boolean" },
  });
  const timeout = str(values["wait-provider-timeout"]) ?? "300";
  if (!/^\d+$/.test(timeout)) throw new ClusterctlError(`invalid argument "${timeout}" for "--wait-provider-timeout" flag: strconv.ParseInt: parsing "${timeout}": invalid syntax`);
  if (list(values.ipam).length > 0 || list(values["runtime-extension"]).length > 0) throw new ClusterctlError("the sandbox's clusterctl installs no IPAM or runtime-extension providers");
  await init(
    {
      kubeconfig: str(values.kubeconfig),
      kubeconfigContext: str(values["kubeconfig-context"]),
      core: str(values.core),
      bootstrap: list(values.bootstrap),
      controlPlane: list(values["control-plane"]),
      infrastructure: list(values.infrastructure),
      addon: list(values.addon),
      targetNamespace: str(values["target-namespace"]),
      waitProviders: values["wait-providers"] === true,
      waitProviderTimeoutSeconds: Number(timeout),
    },
    io,
  );
}

const PROVIDER_FLAGS = (multi: { type: "string"; multiple: true }): Options => ({
  core: { type: "string" },
  bootstrap: { ...multi, short: "b" },
  "control-plane": { ...multi, short: "c" },
  infrastructure: { ...multi, short: "i" },
  ipam: multi,
  "runtime-extension": multi,
  addon: multi,
});

function waitTimeout(values: Record<string, unknown>): number {
  const timeout = str(values["wait-provider-timeout"]) ?? "300";
  if (!/^\d+$/.test(timeout)) throw new ClusterctlError(`invalid argument "${timeout}" for "--wait-provider-timeout" flag: strconv.ParseInt: parsing "${timeout}": invalid syntax`);
  return Number(timeout);
}

async function runUpgradePlan(args: string[], io: Io): Promise<void> {
  const { values } = parse(args, KUBECONFIG);
  await upgradePlan({ kubeconfig: str(values.kubeconfig), kubeconfigContext: str(values["kubeconfig-context"]) }, io);
}

async function runUpgradeApply(args: string[], io: Io): Promise<void> {
  const { values } = parse(args, {
    ...KUBECONFIG,
    ...PROVIDER_FLAGS({ type: "string", multiple: true }),
    contract: { type: "string" },
    "wait-providers": { type: "boolean" },
    "wait-provider-timeout": { type: "string" },
  });
  if (list(values.ipam).length > 0 || list(values["runtime-extension"]).length > 0) throw new ClusterctlError("the sandbox's clusterctl upgrades no IPAM or runtime-extension providers");
  await upgradeApply(
    {
      kubeconfig: str(values.kubeconfig),
      kubeconfigContext: str(values["kubeconfig-context"]),
      contract: str(values.contract),
      core: str(values.core),
      bootstrap: list(values.bootstrap),
      controlPlane: list(values["control-plane"]),
      infrastructure: list(values.infrastructure),
      addon: list(values.addon),
      waitProviders: values["wait-providers"] === true,
      waitProviderTimeoutSeconds: waitTimeout(values),
    },
    io,
  );
}

async function runGetKubeconfig(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parse(args, { ...KUBECONFIG, namespace: { type: "string", short: "n" } });
  if (positionals.length !== 1) throw new ClusterctlError(`accepts 1 arg(s), received ${positionals.length}`);
  await getKubeconfig({ name: positionals[0] ?? "", namespace: str(values.namespace), kubeconfig: str(values.kubeconfig), kubeconfigContext: str(values["kubeconfig-context"]) }, io);
}

async function runDescribe(raw: string[], io: Io): Promise<void> {
  // --grouping is a pflag bool (default true): `--grouping=false` turns it off.
  const args = raw.flatMap((a) => (a === "--grouping=false" ? ["--disable-grouping"] : a === "--grouping" || a === "--grouping=true" ? [] : [a]));
  const { values, positionals } = parse(args, {
    ...KUBECONFIG,
    namespace: { type: "string", short: "n" },
    "show-conditions": { type: "string" },
    echo: { type: "boolean" },
    "disable-no-echo": { type: "boolean" },
    "show-machinesets": { type: "boolean" },
    "show-templates": { type: "boolean" },
    "show-resources": { type: "string" },
    "disable-grouping": { type: "boolean" },
    v1beta2: { type: "boolean" },
    color: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new ClusterctlError(`accepts 1 arg(s), received ${positionals.length}`);
  if (values.v1beta2 === true) throw new ClusterctlError("the sandbox's clusterctl describes v1beta1 conditions only (no --v1beta2)");
  await describeCluster(
    {
      name: positionals[0] ?? "",
      namespace: str(values.namespace),
      kubeconfig: str(values.kubeconfig),
      kubeconfigContext: str(values["kubeconfig-context"]),
      showConditions: list(values["show-conditions"]),
      grouping: values["disable-grouping"] !== true,
    },
    io,
  );
}

async function runDelete(args: string[], io: Io): Promise<void> {
  const { values } = parse(args, {
    ...KUBECONFIG,
    ...PROVIDER_FLAGS({ type: "string", multiple: true }),
    all: { type: "boolean" },
    "include-namespace": { type: "boolean" },
    "include-crd": { type: "boolean" },
  });
  if (list(values.ipam).length > 0 || list(values["runtime-extension"]).length > 0) throw new ClusterctlError("the sandbox's clusterctl has no IPAM or runtime-extension providers to delete");
  await deleteProviders(
    {
      kubeconfig: str(values.kubeconfig),
      kubeconfigContext: str(values["kubeconfig-context"]),
      all: values.all === true,
      core: str(values.core),
      bootstrap: list(values.bootstrap),
      controlPlane: list(values["control-plane"]),
      infrastructure: list(values.infrastructure),
      addon: list(values.addon),
      includeNamespace: values["include-namespace"] === true,
      includeCrd: values["include-crd"] === true,
    },
    io,
  );
}

async function runMove(args: string[], io: Io): Promise<void> {
  const { values } = parse(args, {
    ...KUBECONFIG,
    "to-kubeconfig": { type: "string" },
    "to-kubeconfig-context": { type: "string" },
    namespace: { type: "string", short: "n" },
    "dry-run": { type: "boolean" },
    "to-directory": { type: "string" },
    "from-directory": { type: "string" },
    "hide-api-warnings": { type: "boolean" },
  });
  await move(
    {
      kubeconfig: str(values.kubeconfig),
      kubeconfigContext: str(values["kubeconfig-context"]),
      toKubeconfig: str(values["to-kubeconfig"]),
      toKubeconfigContext: str(values["to-kubeconfig-context"]),
      namespace: str(values.namespace),
      dryRun: values["dry-run"] === true,
      toDirectory: str(values["to-directory"]),
      fromDirectory: str(values["from-directory"]),
    },
    io,
  );
}

function version(args: string[], io: Io): Promise<void> {
  const { values } = parse(args, { output: { type: "string", short: "o" } });
  const output = str(values.output) ?? "";
  if (output === "short") {
    io.stdout(`${CLUSTERCTL_VERSION}\n`);
    return Promise.resolve();
  }
  if (output !== "") throw new ClusterctlError(`error: --output must be 'short' or empty (the sandbox's clusterctl prints no ${output})`);
  io.stdout(`clusterctl version: &version.Info{Major:"1", Minor:"10", GitVersion:"${CLUSTERCTL_VERSION}", GitCommit:"sandbox", GitTreeState:"clean", BuildDate:"2025-01-01T00:00:00Z", GoVersion:"go1.23.12", Compiler:"gc", Platform:"linux/amd64"}\n`);
  return Promise.resolve();
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<void>> = {
  init: runInit,
  "get kubeconfig": runGetKubeconfig,
  move: runMove,
  "describe cluster": runDescribe,
  delete: runDelete,
  "upgrade plan": runUpgradePlan,
  "upgrade apply": runUpgradeApply,
  version,
};

/** Runs one clusterctl command line; returns the exit code. */
export async function runClusterctl(all: string[], io: Io): Promise<number> {
  // --config is a root flag, taken anywhere on the line (also before the command words).
  const config = configFlag(all);
  const at = all.findIndex((a) => a === "--config" || a.startsWith("--config="));
  const argv = at < 0 ? all : all.filter((_, i) => i !== at && !(all[at] === "--config" && i === at + 1));
  const words = argv.filter((a) => !a.startsWith("-"));
  const key = [words.slice(0, 2).join(" "), words[0] ?? ""].find((k) => k in COMMANDS);
  try {
    if (!key) throw new ClusterctlError(words[0] ? `unknown command "${words[0]}" for "clusterctl"` : "the sandbox's clusterctl needs a command: init, upgrade, move, get kubeconfig, describe, delete or version");
    if (at >= 0 && !config) throw new ClusterctlError("flag needs an argument: --config");
    // Read and checked as clusterctl does; components still come from the sandbox's own (config.ts).
    if (config !== undefined) loadConfig(config, io.env);
    const rest = [...argv];
    for (const w of key.split(" ")) rest.splice(rest.indexOf(w), 1);
    await COMMANDS[key]?.(rest, io);
    return 0;
  } catch (err) {
    const message = err instanceof ClusterctlError ? err.message : `${(err as Error).message ?? String(err)}`;
    io.stderr(`Error: ${message}\n`);
    return 1;
  }
}
