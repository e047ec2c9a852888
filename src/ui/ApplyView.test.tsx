import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus, type EngineEvent } from "../engine/events.js";
import { applyWithOutputs, failingApply } from "../../test/ui/apply-events.js";
import { createApplyStore } from "./apply-store.js";
import { ApplyView } from "./ApplyView.js";
import { renderApply } from "./render-apply.js";

const frameOf = (f: string | undefined) => stripVTControlCharacters(f ?? "").trimEnd().split("\n").map((l) => l.trimEnd());

/** What the plain printer writes for the same events, minus its started/still/progress lines. */
function plainFinishedLines(events: EngineEvent[]): string[] {
  const bus = new EventBus();
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  const view = renderApply(bus, { stdout: out as unknown as NodeJS.WriteStream, stderr: out as unknown as NodeJS.WriteStream, color: false, tty: false });
  for (const e of events) bus.emit(e);
  view.stop();
  return text.trimEnd().split("\n").filter((l) => !/: (Creating|Modifying|Destroying|Reading)\.\.\.$|: waiting for/.test(l));
}

describe("ApplyView", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("shows a live line per running step with elapsed time, message and progress bar", async () => {
    const store = createApplyStore();
    const view = render(<ApplyView store={store} color={false} />);
    failingApply.start.forEach(store.listener);
    await vi.advanceTimersByTimeAsync(1300);
    failingApply.networkDone.forEach(store.listener);
    failingApply.progress.forEach(store.listener);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(frameOf(view.lastFrame())).toEqual([
      "✓ hcloud_network.cluster: Creation complete after 1.2s [id=77]",
      "⠸ hcloud_server.cp-1: creating [11s] ████░░░░░░ 40% waiting for the server to boot",
      "1/3 steps done, 1 running",
    ]);
    view.unmount();
  });

  it("ends with the same finished lines and summary as the plain printer", async () => {
    const events = [...failingApply.start, ...failingApply.networkDone, ...failingApply.progress, ...failingApply.end];
    const store = createApplyStore();
    const view = render(<ApplyView store={store} color={false} />);
    events.forEach(store.listener);
    await vi.advanceTimersByTimeAsync(100);
    // The first frame holding the summary (ink's debug mode repeats <Static> output on exit).
    const final = view.frames.find((f) => f.includes("Apply failed"));
    expect(frameOf(final)).toEqual(plainFinishedLines(events));
    view.unmount();
  });
});

describe("renderApply on a terminal", () => {
  it("renders live through one ink view and resolves once the summary is out", async () => {
    const bus = new EventBus();
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 40 });
    let text = "";
    tty.on("data", (c: Buffer) => (text += c.toString()));
    const io = { stdout: tty as unknown as NodeJS.WriteStream, stderr: tty as unknown as NodeJS.WriteStream, color: true, tty: true };
    const view = renderApply(bus, io);
    applyWithOutputs.slice(0, -1).forEach((e) => bus.emit(e));
    // ink renders on its own schedule; wait for the frame rather than guess how long it takes.
    await vi.waitFor(() => expect(stripVTControlCharacters(text)).toContain("1/1 steps done, 0 running"), { timeout: 20_000, interval: 20 });
    applyWithOutputs.slice(-1).forEach((e) => bus.emit(e));
    await view.done;
    const out = stripVTControlCharacters(text);
    expect(out).toContain("✓ hcloud_firewall.cluster: Modifications complete after 0.4s [id=123]");
    expect(out.split("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.")).toHaveLength(2);
    expect(out).toContain('endpoint = "https://10.0.1.10:6443"');
    expect(text).toContain("\u001b[32m");
  });

  it("lets go of the terminal when stopped before apply-done", async () => {
    const bus = new EventBus();
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 40 });
    let text = "";
    tty.on("data", (c: Buffer) => (text += c.toString()));
    const view = renderApply(bus, { stdout: tty as unknown as NodeJS.WriteStream, stderr: tty as unknown as NodeJS.WriteStream, color: false, tty: true });
    failingApply.start.forEach((e) => bus.emit(e));
    // Stopped while it draws the live view.
    await vi.waitFor(() => expect(stripVTControlCharacters(text)).toContain("steps done"), { timeout: 20_000, interval: 20 });
    view.stop();
    await view.done;
  });
});
