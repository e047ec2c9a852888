// The live apply view for terminals: finished lines printed once through <Static>, one animated
// line per running step below them. Loaded only through `await import()`.
import { render, Static, useApp } from "ink";
import { useEffect, useState, useSyncExternalStore } from "react";
import { footerLine, runningLine, type ApplyStore } from "./apply-store.js";
import { StyledLine } from "./LinesView.js";
import { parkAtFrameTop } from "./park-cursor.js";

const TICK_MS = 100;

export function ApplyView({ store, color = true }: { store: ApplyStore; color?: boolean }) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [tick, setTick] = useState(0);
  const { exit } = useApp();
  const live = state.running.length > 0;
  // Leave once the summary is on screen: the effect runs after the frame holding it is committed.
  useEffect(() => {
    if (state.done) exit();
  }, [state.done, exit]);
  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), TICK_MS);
    return () => clearInterval(timer);
  }, [live]);
  const now = Date.now();
  const footer = footerLine(state);
  return (
    <>
      <Static items={[...state.printed]}>{(l, i) => <StyledLine key={i} line={l} color={color} />}</Static>
      {state.running.map((r) => (
        <StyledLine key={r.key} line={runningLine(r, now, tick)} color={color} truncate />
      ))}
      {footer && <StyledLine line={footer} color={color} />}
    </>
  );
}

export interface MountedApply {
  /** Resolves once ink has written its last frame and let go of the terminal. */
  exited: Promise<void>;
  unmount(): void;
}

/** The one ink render of a run: it lives until the view has shown apply-done, or unmount. */
export function mountApplyView(store: ApplyStore, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; color: boolean }): MountedApply {
  // patchConsole off: nothing in hk logs through console while a view runs, and the patch
  // would replace the global console for the whole process.
  // A terminal that reports no width (a pty nobody sized, `docker run -t`) would make ink wrap
  // at every character; take it as 100 columns wide, as the plan view does.
  if (!io.stdout.columns) io.stdout.columns = 100;
  const restore = parkAtFrameTop(io.stdout);
  const instance = render(<ApplyView store={store} color={io.color} />, { stdout: io.stdout, stderr: io.stderr, exitOnCtrlC: false, patchConsole: false });
  const exited = instance.waitUntilExit().then(() => undefined).finally(restore);
  return { exited, unmount: () => instance.unmount() };
}
