import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus, type EngineEvent } from "../engine/events.js";
import { applyWithOutputs, destroyDone, failingApply } from "../../test/ui/apply-events.js";
import { renderApply } from "./render-apply.js";

function sink() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (c: Buffer) => (text += c.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

function start() {
  const bus = new EventBus();
  const out = sink();
  const err = sink();
  const view = renderApply(bus, { stdout: out.stream, stderr: err.stream, color: false, tty: false });
  const emit = (events: EngineEvent[]) => events.forEach((e) => bus.emit(e));
  return { bus, out, err, view, emit };
}

describe("renderApply without a terminal", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("prints Terraform-like lines, a still-running line every 10 s, and the failure summary", async () => {
    const { out, err, view, emit } = start();
    emit(failingApply.start);
    vi.advanceTimersByTime(1234);
    emit(failingApply.networkDone);
    emit(failingApply.progress);
    vi.advanceTimersByTime(10_000 - 1234);
    emit(failingApply.moreProgress);
    vi.advanceTimersByTime(10_000);
    emit(failingApply.end);
    await view.done;
    vi.advanceTimersByTime(60_000);
    expect(out.text()).toMatchInlineSnapshot(`
      "hcloud_network.cluster: Creating...
      hcloud_server.cp-1: Creating...
      ✓ hcloud_network.cluster: Creation complete after 1.2s [id=77]
      hcloud_server.cp-1: waiting for the server to boot (40%)
      hcloud_server.cp-1: Still creating... [10s elapsed]
      hcloud_server.cp-1: Still creating... [20s elapsed]
      ✗ hcloud_server.cp-1: Creation failed after 23.0s: resource_limit_exceeded: server limit reached
          ask Hetzner support to raise it
          left behind: server 99 (tainted: replaced on the next apply)
      - talos_machine_config.cp-1: skipped: depends on hcloud_server.cp-1, which failed
      Interrupt received: finishing running steps, then stopping. Press Ctrl-C again to stop at once.

      Apply failed: 1 failed, 1 skipped. Resources: 1 added, 0 changed, 0 destroyed. State saved.
      "
    `);
    expect(err.text()).toBe("Warning: cost estimate unavailable: no price for cx99\n");
    expect(out.text()).not.toContain("\u001b");
  });

  it("summarises a destroy and times long steps in minutes", async () => {
    const { out, view, emit } = start();
    emit(destroyDone);
    await view.done;
    expect(out.text()).toMatchInlineSnapshot(`
      "hcloud_server.cp-1: Destroying...
      ✓ hcloud_server.cp-1: Destruction complete after 1m02s

      Destroy complete! Resources: 1 destroyed.
      "
    `);
  });

  it("prints the outputs after a successful apply", async () => {
    const { out, view, emit } = start();
    emit(applyWithOutputs);
    await view.done;
    expect(out.text()).toMatchInlineSnapshot(`
      "hcloud_firewall.cluster: Modifying...
      ✓ hcloud_firewall.cluster: Modifications complete after 0.4s [id=123]

      Apply complete! Resources: 0 added, 1 changed, 0 destroyed.

      Outputs:

      endpoint = "https://10.0.1.10:6443"
      kubeconfig = (sensitive)
      nodes = [
        "cp-1",
        "cp-2",
      ]
      "
    `);
  });

  it("says the time since the step started when a busy machine fires the interval late", async () => {
    const { out, view, emit } = start();
    emit(failingApply.start);
    vi.setSystemTime(Date.now() + 5_000); // the clock moves on, the interval has not fired yet
    vi.advanceTimersByTime(10_000);
    expect(out.text()).toContain("hcloud_server.cp-1: Still creating... [15s elapsed]");
    view.stop();
    await view.done;
  });

  it("stops listening and timing when stopped before the end", async () => {
    const { out, view, emit } = start();
    emit(failingApply.start);
    view.stop();
    vi.advanceTimersByTime(30_000);
    emit(failingApply.networkDone);
    expect(out.text()).toBe("hcloud_network.cluster: Creating...\nhcloud_server.cp-1: Creating...\n");
    expect(vi.getTimerCount()).toBe(0);
    await view.done;
  });
});
