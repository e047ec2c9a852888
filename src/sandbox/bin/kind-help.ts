// kind v0.29's help texts (cobra's layout), for `--help`, `help` and commands given no subcommand.
import type { FlagSpec } from "./kind-args.js";

export const KIND_VERSION = "0.29.0";
const GLOBAL = `Global Flags:
  -q, --quiet             silence all stderr output
  -v, --verbosity int32   info log verbosity, higher value produces more output
`;

export interface HelpPage {
  short: string;
  long?: string;
  use: string;
  commands?: [string, string][];
  flags?: FlagSpec[];
}

function flagLines(flags: FlagSpec[], helpFor: string): string {
  const all: FlagSpec[] = [...flags, { name: "help", short: "h", type: "bool" as const, usage: `help for ${helpFor}` }].sort((a, b) => a.name.localeCompare(b.name));
  const left = all.map((f) => {
    const type = f.type === "bool" ? "" : f.type === "int" ? " int32" : ` ${f.type}`;
    return `${f.short ? `  -${f.short}, ` : "      "}--${f.name}${type}`;
  });
  const width = Math.max(...left.map((l) => l.length)) + 3;
  return all.map((f, i) => `${(left[i] ?? "").padEnd(width)}${f.usage}${f.defaultText ? ` (default ${f.defaultText})` : ""}`).join("\n");
}

/** The help of `kind PATH...` as cobra renders it. */
export function renderHelp(path: string[], page: HelpPage): string {
  const cmd = ["kind", ...path].join(" ");
  const out: string[] = [page.long ?? page.short, "", "Usage:"];
  if (page.commands) out.push(`  ${cmd} [command]`);
  else out.push(`  ${cmd}${page.use ? ` ${page.use}` : ""} [flags]`);
  out.push("");
  if (page.commands) {
    const w = Math.max(...page.commands.map(([n]) => n.length)) + 2;
    out.push("Available Commands:", ...page.commands.map(([n, d]) => `  ${n.padEnd(w)}${d}`), "");
  }
  const root = path.length === 0;
  const flags: FlagSpec[] = root
    ? [
        { name: "loglevel", type: "string", usage: "DEPRECATED: see -v instead" },
        { name: "quiet", short: "q", type: "bool", usage: "silence all stderr output" },
        { name: "verbosity", short: "v", type: "int", usage: "info log verbosity, higher value produces more output" },
        { name: "version", type: "bool", usage: "version for kind" },
      ]
    : (page.flags ?? []);
  out.push("Flags:", flagLines(flags, path.at(-1) ?? "kind"), "");
  if (!root) out.push(GLOBAL.trimEnd(), "");
  if (page.commands) out.push(`Use "${cmd} [command] --help" for more information about a command.`);
  return out.join("\n").trimEnd() + "\n";
}

export const ROOT_HELP: HelpPage = {
  short: "kind creates and manages local Kubernetes clusters using Docker container 'nodes'",
  use: "",
  commands: [
    ["build", "Build one of [node-image]"],
    ["completion", "Output shell completion code for the specified shell (bash, zsh or fish)"],
    ["create", "Creates one of [cluster]"],
    ["delete", "Deletes one of [cluster]"],
    ["export", "Exports one of [kubeconfig, logs]"],
    ["get", "Gets one of [clusters, nodes, kubeconfig]"],
    ["help", "Help about any command"],
    ["load", "Loads images into nodes"],
    ["version", "Prints the kind CLI version"],
  ],
};

export const GROUP_HELP: Record<string, HelpPage> = {
  create: { short: "Creates one of [cluster]", use: "", commands: [["cluster", "Creates a local Kubernetes cluster"]] },
  delete: {
    short: "Deletes one of [cluster]",
    use: "",
    commands: [
      ["cluster", "Deletes a cluster"],
      ["clusters", "Deletes one or more clusters"],
    ],
  },
  get: {
    short: "Gets one of [clusters, nodes, kubeconfig]",
    use: "",
    commands: [
      ["clusters", "Lists existing kind clusters by their name"],
      ["kubeconfig", "Prints cluster kubeconfig"],
      ["nodes", "Lists existing kind nodes by their name"],
    ],
  },
  export: {
    short: "Exports one of [kubeconfig, logs]",
    use: "",
    commands: [
      ["kubeconfig", "Exports cluster kubeconfig"],
      ["logs", "Exports logs to a tempdir or [output-dir] if specified"],
    ],
  },
};
