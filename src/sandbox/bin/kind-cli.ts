// The emulated kind's command tree and entry: command words first (as cobra finds them), then the
// command's flags; any error is `ERROR: <message>` on stderr and exit 1, like kind's main.
import { readFile } from "node:fs/promises";
import { parseFlags, UsageError, type FlagSpec } from "./kind-args.js";
import { createCluster } from "./kind-create.js";
import { deleteCluster, deleteClusters, exportKubeconfig, getClusters, getKubeconfig, getNodes, version } from "./kind-commands.js";
import { GROUP_HELP, KIND_VERSION, renderHelp, ROOT_HELP, type HelpPage } from "./kind-help.js";
import { KindError, type KindContext } from "./kind-world.js";

interface Leaf {
  page: HelpPage;
  run: (ctx: KindContext) => Promise<void>;
}

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: "quiet", short: "q", type: "bool", usage: "silence all stderr output" },
  { name: "verbosity", short: "v", type: "int", usage: "info log verbosity, higher value produces more output" },
  { name: "loglevel", type: "string", usage: "DEPRECATED: see -v instead" },
  { name: "version", type: "bool", usage: "version for kind" },
];
const name = (what: string): FlagSpec => ({ name: "name", short: "n", type: "string", usage: `the cluster ${what}`, defaultText: '"kind"' });
const kubeconfig: FlagSpec = { name: "kubeconfig", type: "string", usage: "sets kubeconfig path instead of $KUBECONFIG or $HOME/.kube/config" };
const internal: FlagSpec = { name: "internal", type: "bool", usage: "use internal address instead of external" };

const LEAVES: Record<string, Leaf> = {
  "create cluster": {
    run: createCluster,
    page: {
      short: "Creates a local Kubernetes cluster",
      long: "Creates a local Kubernetes cluster using Docker container 'nodes'",
      use: "",
      flags: [
        { name: "config", type: "string", usage: "path to a kind config file" },
        { name: "image", type: "string", usage: "node docker image to use for booting the cluster" },
        kubeconfig,
        { name: "name", short: "n", type: "string", usage: "cluster name, overrides KIND_CLUSTER_NAME, config (default kind)" },
        { name: "retain", type: "bool", usage: "retain nodes for debugging when cluster creation fails" },
        { name: "wait", type: "duration", usage: "wait for control plane node to be ready", defaultText: "0s" },
      ],
    },
  },
  "delete cluster": { run: deleteCluster, page: { short: "Deletes a cluster", long: "Deletes a resource", use: "", flags: [kubeconfig, name("name")] } },
  "delete clusters": {
    run: deleteClusters,
    page: { short: "Deletes one or more clusters", long: "Deletes a resource", use: "", flags: [{ name: "all", short: "A", type: "bool", usage: "delete all clusters" }, kubeconfig] },
  },
  "get clusters": { run: getClusters, page: { short: "Lists existing kind clusters by their name", use: "", flags: [] } },
  "get nodes": {
    run: getNodes,
    page: { short: "Lists existing kind nodes by their name", use: "", flags: [{ name: "all-clusters", short: "A", type: "bool", usage: "If present, list all the available nodes across all cluster contexts. Current context is ignored even if specified with --name." }, name("context name")] },
  },
  "get kubeconfig": { run: getKubeconfig, page: { short: "Prints cluster kubeconfig", use: "", flags: [internal, name("context name")] } },
  "export kubeconfig": { run: exportKubeconfig, page: { short: "Exports cluster kubeconfig", use: "", flags: [internal, kubeconfig, name("context name")] } },
  version: { run: version, page: { short: "Prints the kind CLI version", use: "", flags: [] } },
};

export interface KindIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => Promise<string>;
}

/** Runs one kind command line; resolves to its exit code. */
export async function runKind(argv: string[], io: KindIo): Promise<number> {
  const quiet = argv.some((a) => a === "-q" || a === "--quiet" || a === "--quiet=true");
  const log = (line: string) => {
    if (!quiet) io.stderr(`${line}\n`);
  };
  try {
    // Command words are the leading non-flag arguments that name a command (cobra's Find).
    const words: string[] = [];
    const rest = [...argv];
    for (let i = 0; i < rest.length && words.length < 2; i++) {
      const a = rest[i] ?? "";
      if (a.startsWith("-")) continue;
      const candidate = [...words, a].join(" ");
      if (words.length === 0 ? a in GROUP_HELP || a in LEAVES || a === "help" : candidate in LEAVES) {
        words.push(a);
        rest.splice(i, 1);
        i--;
      } else break;
    }
    if (words[0] === "help") {
      const target = rest.filter((a) => !a.startsWith("-"));
      const page = LEAVES[target.join(" ")]?.page ?? (target[0] ? GROUP_HELP[target[0]] : undefined) ?? ROOT_HELP;
      io.stdout(renderHelp(page === ROOT_HELP ? [] : target, page));
      return 0;
    }
    const leaf = LEAVES[words.join(" ")];
    const specs = [...GLOBAL_FLAGS, ...(leaf?.page.flags ?? [])];
    const { flags, positional, help } = parseFlags(rest, specs);
    if (flags.version === true && words.length === 0) {
      io.stdout(`kind version ${KIND_VERSION}\n`);
      return 0;
    }
    if (!leaf) {
      if (words.length === 0 && positional[0] !== undefined) throw new KindError(`unknown command "${positional[0]}" for "kind"`);
      const page = words[0] ? GROUP_HELP[words[0]] : ROOT_HELP;
      io.stdout(renderHelp(words, page ?? ROOT_HELP));
      return 0;
    }
    if (help) {
      io.stdout(renderHelp(words, leaf.page));
      return 0;
    }
    const readInput = (path: string) => (path === "-" ? io.stdin() : readFile(path, "utf8"));
    await leaf.run({ flags, positional, env: io.env, stdout: io.stdout, log, readInput });
    return 0;
  } catch (err) {
    if (err instanceof KindError || err instanceof UsageError) {
      log(`ERROR: ${err.message}`);
      return 1;
    }
    log(`ERROR: ${(err as Error).message}`);
    return 1;
  }
}
