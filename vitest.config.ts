import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The same suite on a CI runner as on a laptop: ink (through is-in-ci) and hk change how they
    // draw on a terminal under CI. Tests that are about CI set it themselves.
    env: { CI: "false", CONTINUOUS_INTEGRATION: "false" },
  },
});
