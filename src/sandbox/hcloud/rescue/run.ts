// Runs a parsed command line like bash -c would: each pipeline's stages connected by pipes, the
// pipeline's status is its last stage's (or the last failing one after `set -o pipefail`), and
// &&, || and ; decide what runs next. A stage that ends closes its input, so upstream stops.
import { PassThrough, Readable, type Writable } from "node:stream";
import { COMMANDS, type PipelineState, type RescueHost } from "./commands.js";
import { parseCommandLine } from "./shell-parse.js";

export interface ShellIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

async function runPipeline(commands: string[][], io: ShellIO, host: RescueHost, pipefail: boolean): Promise<number> {
  const state: PipelineState = {};
  const pipes = commands.slice(1).map(() => new PassThrough().on("error", () => undefined));
  const runs = commands.map(async (argv, i) => {
    const stdin = i === 0 ? io.stdin : (pipes[i - 1] ?? Readable.from([]));
    const last = i === commands.length - 1;
    const stdout = last ? new PassThrough() : (pipes[i] ?? new PassThrough());
    if (last) stdout.pipe(io.stdout, { end: false });
    const [name = "", ...args] = argv;
    const cmd = COMMANDS[name];
    let code: number;
    if (!cmd) {
      io.stderr.write(`bash: ${name}: command not found\n`);
      code = 127;
    } else {
      try {
        code = await cmd(args, { stdin, stdout, stderr: io.stderr }, host, state);
      } catch (err) {
        io.stderr.write(`${name}: ${(err as Error).message}\n`);
        code = 1;
      }
    }
    stdout.end();
    if (last) await new Promise((r) => (stdout.writableFinished && stdout.readableEnded ? r(undefined) : stdout.once("end", r)));
    // Like SIGPIPE: whoever still writes into this stage's input learns it is gone.
    if (i > 0) (stdin as PassThrough).destroy();
    return code;
  });
  const codes = await Promise.all(runs);
  if (pipefail) return [...codes].reverse().find((c) => c !== 0) ?? 0;
  return codes[codes.length - 1] ?? 0;
}

/** Runs `line`; returns the exit status bash would. Syntax errors exit 2. */
export async function runCommandLine(line: string, io: ShellIO, host: RescueHost): Promise<number> {
  let list;
  try {
    list = parseCommandLine(line);
  } catch (err) {
    io.stderr.write(`bash: ${(err as Error).message}\n`);
    return 2;
  }
  let status = 0;
  let pipefail = false;
  let skip = false;
  for (const p of list.pipelines) {
    if (!skip) {
      const first = p.commands[0] ?? [];
      if (p.commands.length === 1 && first[0] === "set") {
        const o = first.indexOf("-o");
        if (o >= 0 && first[o + 1] === "pipefail") pipefail = true;
        status = 0;
      } else status = await runPipeline(p.commands, io, host, pipefail);
    }
    skip = (p.op === "&&" && status !== 0) || (p.op === "||" && status === 0);
  }
  return status;
}
