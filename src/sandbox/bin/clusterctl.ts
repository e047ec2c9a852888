// Entry point of the sandbox's emulated `clusterctl` (launched by bin/sandbox/clusterctl):
// clusterctl v1.10.10's command line against the clusters its kubeconfigs name.
import { runClusterctl } from "../clusterctl/cli.js";

process.exitCode = await runClusterctl(process.argv.slice(2), {
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});
