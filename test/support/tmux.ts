// hk in a real terminal emulator: a detached tmux session of a fixed size, for what a pseudo-
// terminal alone cannot show (a resize rewrapping the screen, Ctrl-C from the keyboard, the
// scrollback). Everything is waited for by reading the screen, never by sleeping a set time.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { HK_BIN } from "./cli.js";

const run = promisify(execFile);
let sessions = 0;

export interface TmuxHk {
  /** The screen and the scrollback, one string per row, trailing spaces trimmed. */
  rows(): Promise<string[]>;
  /** Wait until some row (screen or scrollback) matches. */
  waitFor(pattern: RegExp, what: string): Promise<void>;
  /** The visible screen alone, one string per row. */
  screen(): Promise<string[]>;
  /** The cursor's row on the screen (0 at the top). */
  cursorRow(): Promise<number>;
  keys(...keys: string[]): Promise<void>;
  resize(columns: number): Promise<void>;
  /** The PID of hk itself (the child of the pane's shell). */
  hkPid(): Promise<number>;
  close(): Promise<void>;
}

const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;

/** Starts `hk ARGS` in a new tmux session `columns` wide; `EXIT=<code>` is printed when it ends. */
export async function hkInTmux(args: string[], opts: { cwd: string; env: Record<string, string>; columns: number; rows?: number }): Promise<TmuxHk> {
  const socket = `hk-test-${process.pid}-${++sessions}`;
  const script = join(opts.cwd, `tmux-${sessions}.sh`);
  const exports = Object.entries(opts.env).map(([k, v]) => `export ${k}=${quote(v)}`);
  writeFileSync(
    script,
    ["unset NO_COLOR FORCE_COLOR CI CONTINUOUS_INTEGRATION", ...exports, `cd ${quote(opts.cwd)}`, `${[process.execPath, HK_BIN, ...args].map(quote).join(" ")}`, 'echo "EXIT=$?"', "exec sleep 600"].join("\n") + "\n",
  );
  const tmux = (...a: string[]) => run("tmux", ["-L", socket, "-f", "/dev/null", ...a], { env: { ...process.env, TMUX: "" } });
  await tmux("new-session", "-d", "-x", String(opts.columns), "-y", String(opts.rows ?? 40), "bash", script);
  const rows = async () => (await tmux("capture-pane", "-p", "-J", "-S", "-")).stdout.split("\n").map((r) => r.trimEnd());
  const self: TmuxHk = {
    rows: async () => (await tmux("capture-pane", "-p", "-S", "-")).stdout.split("\n").map((r) => r.trimEnd()),
    async waitFor(pattern, what) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if ((await self.rows()).some((r) => pattern.test(r))) return;
        if (Date.now() > deadline) throw new Error(`tmux: gave up waiting for ${what}; the screen:\n${(await rows()).join("\n")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    screen: async () => (await tmux("capture-pane", "-p")).stdout.split("\n").map((r) => r.trimEnd()),
    cursorRow: async () => Number((await tmux("display-message", "-p", "#{cursor_y}")).stdout.trim()),
    keys: async (...keys) => void (await tmux("send-keys", ...keys)),
    resize: async (columns) => void (await tmux("resize-window", "-x", String(columns))),
    async hkPid() {
      const shell = (await tmux("display-message", "-p", "#{pane_pid}")).stdout.trim();
      return Number((await run("pgrep", ["-P", shell])).stdout.trim().split("\n")[0]);
    },
    close: async () => void (await tmux("kill-server").catch(() => undefined)),
  };
  return self;
}
