// Waiting for actions: one `GET /actions?id=…&id=…` per poll for everything still running, with a
// growing interval. An action that ends in `error` fails the wait with its own code and message.
import { ExternalError } from "../../engine/errors.js";
import type { HcloudClient } from "./client.js";
import { sleep } from "./pacing.js";
import { actionSchema, type Action } from "./schemas.js";

export interface WaitOptions {
  /** Called after each poll with the mean progress (0–1) of the actions waited for. */
  onProgress?: (fraction: number) => void;
}

const IDS_PER_POLL = 25;

function failed(a: Action): ExternalError {
  const code = a.error?.code ?? "action_failed";
  const message = a.error?.message ?? "no reason given";
  return new ExternalError(`Hetzner Cloud action ${a.command} (${a.id}) failed: ${message} (${code})`, false, code);
}

export async function waitForActions(client: HcloudClient, actions: readonly (Action | number)[], opts: WaitOptions = {}): Promise<void> {
  const { pollMs, actionTimeoutMs } = client.settings;
  const progress = new Map<number, number>();
  const pending = new Set<number>();
  for (const a of actions) {
    if (typeof a === "number") {
      pending.add(a);
      progress.set(a, 0);
      continue;
    }
    if (a.status === "error") throw failed(a);
    progress.set(a.id, a.status === "success" ? 100 : a.progress);
    if (a.status === "running") pending.add(a.id);
  }
  const started = Date.now();
  let interval = pollMs.initial;
  while (pending.size > 0) {
    if (Date.now() - started > actionTimeoutMs) {
      throw new ExternalError(`Hetzner Cloud actions ${[...pending].join(", ")} still running after ${Math.round(actionTimeoutMs / 1000)} s`, true, "action_timeout");
    }
    await sleep(interval, client.signal);
    interval = Math.min(pollMs.max, Math.ceil(interval * 1.5));
    const ids = [...pending];
    for (let i = 0; i < ids.length; i += IDS_PER_POLL) {
      const chunk = ids.slice(i, i + IDS_PER_POLL);
      const seen = await client.list("/actions", "actions", actionSchema, { id: chunk });
      for (const a of seen) {
        if (!pending.has(a.id)) continue;
        if (a.status === "error") throw failed(a);
        progress.set(a.id, a.status === "success" ? 100 : a.progress);
        if (a.status === "success") pending.delete(a.id);
      }
    }
    if (opts.onProgress && progress.size > 0) {
      opts.onProgress([...progress.values()].reduce((x, y) => x + y, 0) / progress.size / 100);
    }
  }
}

/** Wait for whatever runs on one resource (`/servers/7`), e.g. before retrying a `locked` answer; returns how many it waited for. */
export async function waitRunningOn(client: HcloudClient, resourcePath: string): Promise<number> {
  const running = await client.list(`${resourcePath}/actions`, "actions", actionSchema, { status: "running" });
  if (running.length > 0) await waitForActions(client, running);
  return running.length;
}
