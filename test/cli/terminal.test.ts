// The live view in a real terminal emulator (tmux): a resize that rewraps the screen, and Ctrl-C
// from the keyboard. Read as text at a fixed width; colours do not matter here.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { HK_BIN } from "../support/cli.js";
import { tempDir } from "../support/engine-harness.js";
import { hkInTmux, type TmuxHk } from "../support/tmux.js";

const stacks = join(import.meta.dirname, "..", "fixtures", "stacks");
/** The first row of a live line starts with the spinner. */
const LIVE = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] /;

let open: TmuxHk | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(config: string, delay: string, columns: number) {
  const dir = tempDir("hk-tmux-");
  const args = ["apply", "-c", join(stacks, config), "--state", join(dir, "hk.state.json"), "--auto-approve"];
  open = await hkInTmux(args, { cwd: dir, env: { HK_FAKE_WORLD: join(dir, "world.json"), HK_FAKE_DELAY: delay }, columns });
  return open;
}

describe("the live view in a terminal", () => {
  it("leaves no stale live line in the scrollback when the terminal gets narrower", async () => {
    const t = await start("long-lines.config.ts", "300", 120);
    await t.waitFor(/creating \[\d+s\] .*%/, "a live line with a progress bar");
    // Hold hk still until the terminal has drawn its last frame, so no frame is in flight when
    // the width changes: then the cursor rests on the frame's first row (or, unparked, below it).
    const hk = await t.hkPid();
    process.kill(hk, "SIGSTOP");
    for (const deadline = Date.now() + 30_000; ; ) {
      if (Date.now() > deadline) throw new Error("the terminal never showed a whole frame with the cursor at its top or below it");
      const [screen, cursor] = await Promise.all([t.screen(), t.cursorRow()]);
      const first = screen.findIndex((r) => LIVE.test(r));
      const footer = screen.findIndex((r) => /steps done, \d+ running/.test(r));
      if (first >= 0 && (cursor === first || cursor === footer + 1)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await t.resize(40);
    process.kill(hk, "SIGCONT");
    await t.waitFor(/^EXIT=/, "hk to end");
    const rows = await t.rows();
    expect(rows).toContain("EXIT=0");
    expect(rows.filter((r) => LIVE.test(r) || /creating \[/.test(r))).toEqual([]);
    expect(rows.join("\n")).toContain("Apply complete!");
  });

  it("a second Ctrl-C prints its line and leaves a last frame without live lines", async () => {
    const t = await start("chain.config.ts", "2000", 120);
    await t.waitFor(/creating \[/, "a live line");
    await t.keys("C-c");
    await t.waitFor(/Interrupt received/, "the first interrupt's line");
    await t.keys("C-c");
    await t.waitFor(/^EXIT=/, "hk to end");
    const rows = await t.rows();
    expect(rows).toContain("EXIT=130");
    expect(rows.some((r) => r.startsWith("Stopping now: the state holds every finished step"))).toBe(true);
    expect(rows.filter((r) => LIVE.test(r) || /steps done, \d+ running/.test(r))).toEqual([]);
  });

  it("NO_COLOR keeps the live view and drops only the colours", async () => {
    const dir = tempDir("hk-nocolor-");
    const env: NodeJS.ProcessEnv = { ...process.env, HK_FAKE_WORLD: join(dir, "world.json"), HK_FAKE_DELAY: "40", TERM: "xterm-256color", NO_COLOR: "1" };
    delete env.FORCE_COLOR;
    delete env.CI;
    const hk = [process.execPath, HK_BIN, "apply", "-c", join(stacks, "chain.config.ts"), "--state", join(dir, "hk.state.json"), "--auto-approve"];
    const { stdout } = await promisify(execFile)("script", ["-qec", `stty cols 100 rows 40; ${hk.map((a) => `'${a}'`).join(" ")}`, "/dev/null"], { cwd: dir, env });
    expect(stdout).toContain("Apply complete!");
    expect(stdout).toContain("\u001b[J"); // the live view redrawing its frame
    expect(stdout).not.toMatch(new RegExp(`${"\u001b"}\\[(3\\d|1|2)m`)); // no colour, bold or dim
  });
});
