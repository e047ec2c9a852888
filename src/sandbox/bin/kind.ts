// Entry point of the sandbox's emulated `kind` (launched by bin/sandbox/kind): kind v0.29's command
// line against the clusters of the sandbox world named by HK_SANDBOX_DIR.
import { text } from "node:stream/consumers";
import { runKind } from "./kind-cli.js";

process.exitCode = await runKind(process.argv.slice(2), {
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdin: () => text(process.stdin),
});
