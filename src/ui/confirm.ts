// The approval prompt before apply and destroy. Like Terraform, only the exact answer "yes"
// approves; anything else, end of input or Ctrl-C declines.
import { createInterface } from "node:readline";

export interface PromptIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** No line editing: readline then writes no cursor codes (--no-color, NO_COLOR). */
  plain?: boolean;
}

/** Ask `question`; true only when the answer is `yes`. */
export function confirm(question: string, io: PromptIo): Promise<boolean> {
  io.stdout.write(`${question}\n  Only 'yes' will be accepted to approve.\n\n`);
  const rl = createInterface({ input: io.stdin, output: io.stdout, ...(io.plain ? { terminal: false } : {}) });
  return new Promise<boolean>((resolve) => {
    let answered = false;
    // Ctrl-C typed at the prompt reaches readline; a SIGINT sent from elsewhere (kill -INT)
    // reaches the process: both decline, so the caller releases the lock and exits cleanly.
    const onSignal = () => rl.close();
    process.once("SIGINT", onSignal);
    rl.on("close", () => {
      process.off("SIGINT", onSignal);
      if (!answered) io.stdout.write("\n");
      resolve(false);
    });
    rl.on("SIGINT", () => rl.close());
    rl.question("  Enter a value: ", (answer) => {
      answered = true;
      resolve(answer.trim() === "yes");
      rl.close();
    });
  });
}
