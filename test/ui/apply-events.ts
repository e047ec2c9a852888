// Event sequences of an apply as the engine emits them, for the apply view tests.
import type { EngineEvent } from "../../src/engine/events.js";

/** One step done, one failing after progress, one skipped because of it. */
export const failingApply = {
  start: [
    { type: "apply-start", mode: "apply", steps: 3 },
    { type: "step-start", address: "hcloud_network.cluster", operation: "create", at: 0 },
    { type: "step-start", address: "hcloud_server.cp-1", operation: "create", at: 0 },
  ],
  /** After 1.2 s. */
  networkDone: [{ type: "step-done", address: "hcloud_network.cluster", operation: "create", durationMs: 1234, id: "77" }],
  progress: [
    { type: "step-progress", address: "hcloud_server.cp-1", operation: "create", message: "waiting for the server to boot", fraction: 0.4 },
    { type: "step-log", address: "hcloud_server.cp-1", message: "POST /servers 201" },
  ],
  moreProgress: [{ type: "step-progress", address: "hcloud_server.cp-1", operation: "create", message: "waiting for the server to boot", fraction: 0.6 }],
  /** After 23 s. */
  end: [
    { type: "step-failed", address: "hcloud_server.cp-1", operation: "create", durationMs: 23_000, error: "resource_limit_exceeded: server limit reached\nask Hetzner support to raise it", left: "server 99 (tainted: replaced on the next apply)" },
    { type: "step-skipped", address: "talos_machine_config.cp-1", operation: "create", reason: "depends on hcloud_server.cp-1, which failed" },
    { type: "diagnostic", severity: "warning", message: "cost estimate unavailable: no price for cx99" },
    { type: "interrupt", count: 1, message: "Interrupt received: finishing running steps, then stopping. Press Ctrl-C again to stop at once." },
    { type: "apply-done", mode: "apply", ok: false, durationMs: 24_000, counts: { added: 1, changed: 0, destroyed: 0, failed: 1, skipped: 1 }, outputs: {} },
  ],
} satisfies Record<string, EngineEvent[]>;

export const destroyDone: EngineEvent[] = [
  { type: "apply-start", mode: "destroy", steps: 1 },
  { type: "step-start", address: "hcloud_server.cp-1", operation: "delete", at: 0 },
  { type: "step-done", address: "hcloud_server.cp-1", operation: "delete", durationMs: 61_500 },
  { type: "apply-done", mode: "destroy", ok: true, durationMs: 61_600, counts: { added: 0, changed: 0, destroyed: 1, failed: 0, skipped: 0 }, outputs: {} },
];

export const applyWithOutputs: EngineEvent[] = [
  { type: "apply-start", mode: "apply", steps: 1 },
  { type: "step-start", address: "hcloud_firewall.cluster", operation: "update", at: 0 },
  { type: "step-done", address: "hcloud_firewall.cluster", operation: "update", durationMs: 400, id: "123" },
  {
    type: "apply-done",
    mode: "apply",
    ok: true,
    durationMs: 500,
    counts: { added: 0, changed: 1, destroyed: 0, failed: 0, skipped: 0 },
    outputs: { endpoint: "https://10.0.1.10:6443", kubeconfig: "(sensitive)", nodes: ["cp-1", "cp-2"] },
  },
];
