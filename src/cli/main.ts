// hk's entry point: parse flags, hand over to a command module loaded on demand, and turn
// what comes back into an exit code. Nothing heavy is imported before a command runs, so
// `hk --help` starts fast.
import { Command, Option } from "commander";
import { jsonLine } from "../ui/json-lines.js";
import { HK_VERSION } from "./version.js";

// A reader that goes away (`hk plan | head`) is not hk's error: stop writing to it and carry on,
// so a running apply still finishes and saves its state, instead of dying on EPIPE mid-step.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    stream.write = (() => true) as typeof stream.write;
  });
}

const program = new Command("hk")
  .description("Plan, apply and destroy a self-managing Talos Kubernetes cluster on Hetzner Cloud")
  .version(HK_VERSION, "-v, --version")
  .showHelpAfterError("  run hk --help for the commands and their flags")
  .configureHelp({ sortSubcommands: false })
  // Flag and argument errors are commander's to print, in hk's words: `Error: …` and what to do next.
  .configureOutput({ outputError: (str, write) => write(commanderError(str)) })
  // With --json the stream still ends with them.
  .exitOverride((err) => {
    if (err.exitCode !== 0 && process.argv.includes("--json")) {
      process.stdout.write(jsonLine({ type: "diagnostic", severity: "error", message: commanderError(err.message).trimEnd() }, new Date()) + "\n");
    }
    process.exit(err.exitCode);
  });

/** commander's `error: unknown command 'x'` as hk says errors: `Error: unknown command 'x'`. */
function commanderError(text: string): string {
  return text.replace(/^error: /, "Error: ");
}

const common = (cmd: Command, opts: { lock?: boolean } = {}) => {
  cmd
    .option("-c, --config <path>", "the config file", "cluster.config.ts")
    .option("--state <path>", "the state file (default: state/hk.state.json next to the config)")
    .option("--sandbox", "use the offline sandbox world (state/sandbox/) instead of Hetzner", false)
    .option("--no-color", "plain output without colours (also NO_COLOR)")
    .option("--json", "machine-readable events and plan on stdout (see README)", false);
  if (opts.lock !== false) cmd.option("--lock-timeout <duration>", "wait this long for the state lock (e.g. 30s, 5m)", "0s");
  return cmd;
};

const planning = (cmd: Command) =>
  cmd
    .option("--target <address>", "limit to this resource and what it depends on (repeatable)", collect, [])
    .addOption(new Option("--refresh <bool>", "read every resource before planning").choices(["true", "false"]).default("true"))
    .option("--parallelism <n>", "at most this many operations at once", "10");

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const run = (load: () => Promise<{ default: (...args: never[]) => Promise<number> }>) =>
  async (...args: unknown[]) => {
    const { runCommand } = await import("./run-command.js");
    const json = (args.at(-1) as Command).opts().json === true;
    process.exitCode = await runCommand(async () => (await load()).default(...(args as never[])), { json });
  };

planning(common(program.command("plan").description("show what apply would change")))
  .option("--replace <address>", "plan to replace this resource (repeatable)", collect, [])
  .option("--adopt <address>", "adopt this resource's existing object although another hk state's mark is on it (repeatable)", collect, [])
  .option("--destroy", "plan a destroy", false)
  .option("--out <file>", "save the plan for `hk apply FILE`")
  .option("--detailed-exitcode", "exit 0 with no changes, 2 with changes, 1 on error", false)
  .action(run(() => import("./commands/plan.js")));

planning(common(program.command("apply").description("make the infrastructure match the config").argument("[plan-file]", "apply exactly this saved plan")))
  .option("--replace <address>", "replace this resource (repeatable)", collect, [])
  .option("--adopt <address>", "adopt this resource's existing object although another hk state's mark is on it (repeatable)", collect, [])
  .option("--auto-approve", "do not ask for confirmation", false)
  .action(run(() => import("./commands/apply.js")));

planning(common(program.command("destroy").description("delete everything hk made for this config, leftovers included")))
  .option("--auto-approve", "do not ask for confirmation", false)
  .action(run(() => import("./commands/destroy.js")));

common(program.command("graph").description("print the resource graph as DOT"), { lock: false })
  .option("--full", "keep edges implied by longer paths", false)
  .action(run(() => import("./commands/graph.js")));

common(program.command("output").description("show the outputs of the last apply (one by name: its bare value, secrets included)").argument("[name]"), {
  lock: false,
}).action(run(() => import("./commands/output.js")));

common(program.command("show").description("show a saved plan (hk plan --out FILE) as hk plan showed it").argument("<plan-file>"), { lock: false }).action(
  run(() => import("./commands/show.js")),
);

const state = program.command("state").description("read the state");
common(state.command("list").description("list the resources in the state"), { lock: false }).action(run(() => import("./commands/state-list.js")));
common(state.command("show").description("show one resource in the state (secrets hidden)").argument("<address>"), { lock: false }).action(
  run(() => import("./commands/state-show.js")),
);

common(program.command("unlock").description("remove a state lock left by an hk that is gone").argument("<lock-id>"), { lock: false })
  .option("--force", "remove it even when its holder is still running on this host", false)
  .action(
  run(() => import("./commands/unlock.js")),
);

common(program.command("validate").description("check the config and print the planned resources, without touching anything"), { lock: false }).action(
  run(() => import("./commands/validate.js")),
);
common(program.command("doctor").description("check the version matrix, what the firewall leaves open, and kind, clusterctl and Docker on PATH"), { lock: false }).action(
  run(() => import("./commands/doctor.js")),
);

const sandbox = program.command("sandbox").description("the offline sandbox world");
sandbox
  .command("serve")
  .description("serve the sandbox world in the foreground")
  .option("-c, --config <path>", "the config file (the world lives in state/sandbox/ beside it)", "cluster.config.ts")
  .option("--dir <path>", "the sandbox world directory")
  .option("--port <n>", "the Hetzner API port (default: any free port)")
  .option("--faults <spec>", "inject faults, e.g. rate=0.1,seed=42")
  .action(run(() => import("./commands/sandbox-serve.js")));
sandbox
  .command("reset")
  .description("empty the sandbox world")
  .option("-c, --config <path>", "the config file", "cluster.config.ts")
  .option("--dir <path>", "the sandbox world directory")
  .action(run(() => import("./commands/sandbox-reset.js")));
sandbox
  .command("env")
  .description('print export lines for the served sandbox world: eval "$(hk sandbox env)"')
  .option("-c, --config <path>", "the config file (the world lives in state/sandbox/ beside it)", "cluster.config.ts")
  .option("--dir <path>", "the sandbox world directory")
  .action(run(() => import("./commands/sandbox-env.js")));

await program.parseAsync(process.argv);
