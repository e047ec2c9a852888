// Child process for the world tests: serves a sandbox world like `hk sandbox serve` and prints its
// endpoint, then waits to be killed.
import { serveSandbox } from "../../src/sandbox/world.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: serve-child.ts DIR");
const conn = await serveSandbox(dir, { actionMs: 20 });
process.stdout.write(`${conn.hcloudEndpoint}\n`);
setInterval(() => undefined, 60_000);
