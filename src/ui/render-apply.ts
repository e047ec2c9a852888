// Showing an apply or destroy as it happens: a live ink view on a terminal, plain lines
// elsewhere. Both listen to the same events and print the same finished lines and summary.
import type { EventBus } from "../engine/events.js";
import { createApplyStore } from "./apply-store.js";
import { plainApply } from "./apply-plain.js";

export interface ApplyRender {
  /** Resolves when the summary has been printed and the terminal is released (or after stop). */
  done: Promise<void>;
  /** Stop listening and release the terminal, e.g. when the engine threw before apply-done. */
  stop(): void;
}

export interface ApplyIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  color: boolean;
  tty: boolean;
}

export function renderApply(bus: EventBus, io: ApplyIo): ApplyRender {
  if (!io.tty) {
    const plain = plainApply(io);
    const off = bus.on(plain.listener);
    void plain.done.then(off);
    return {
      done: plain.done,
      stop: () => {
        off();
        plain.stop();
      },
    };
  }
  // Subscribe now, so no event is lost while ink loads; the view shows the store when it mounts.
  const store = createApplyStore();
  const off = bus.on(store.listener);
  let stopped = false;
  let unmount = (): void => undefined;
  const done = import("./ApplyView.js").then(async ({ mountApplyView }) => {
    if (stopped) return;
    const view = mountApplyView(store, io);
    unmount = view.unmount;
    await view.exited;
  }).finally(off);
  return {
    done,
    stop: () => {
      stopped = true;
      off();
      unmount();
    },
  };
}
