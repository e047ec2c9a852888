// The environment the emulated executables run in: their folder first on PATH (once, however often
// it is applied), the world they talk to, and `hk sandbox env`'s quoting surviving a real shell.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../../../src/cli/commands/sandbox-env.js";
import { SANDBOX_BIN_DIR, sandboxToolEnv } from "../../../src/sandbox/tools-env.js";

describe("sandboxToolEnv", () => {
  it("puts bin/sandbox first, once, and names the world and the node to run", () => {
    const env = sandboxToolEnv("/tmp/world/../w", `/usr/bin:${SANDBOX_BIN_DIR}:/bin`);
    expect(env).toEqual({ PATH: `${SANDBOX_BIN_DIR}:/usr/bin:/bin`, HK_SANDBOX_DIR: "/tmp/w", HK_SANDBOX_NODE: process.execPath });
    expect(sandboxToolEnv("/tmp/w", env.PATH).PATH).toBe(env.PATH);
  });
});

describe("shellQuote", () => {
  it.each([
    ["plain", "/tmp/world", "/tmp/world"],
    ["url", "http://127.0.0.1:4242/v1", "http://127.0.0.1:4242/v1"],
    ["space", "/tmp/my world", "'/tmp/my world'"],
    ["quote", "it's", "'it'\\''s'"],
    ["dollar", "$HOME`x`", "'$HOME`x`'"],
    ["empty", "", "''"],
  ])("%s", (_name, value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
    expect(execFileSync("sh", ["-c", `eval "export V=${quoted.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("$", "\\$").replaceAll("`", "\\`")}"; printf %s "$V"`]).toString()).toBe(value);
  });
});
