import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at a time even on 2 cores (vitest's default there is one): the CLI tests mostly
    // wait on hk, kind and clusterctl processes and the sandbox's simulated durations, and every
    // test waits on events, not durations, so it holds on a busy machine. Halves the suite's wall time.
    maxWorkers: 2,
    // The same suite on a CI runner as on a laptop: ink (through is-in-ci) and hk change how they
    // draw on a terminal under CI. Tests that are about CI set it themselves.
    env: { CI: "false", CONTINUOUS_INTEGRATION: "false" },
  },
});
