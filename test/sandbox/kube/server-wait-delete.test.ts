// kubectl wait and delete against the emulated API server: a condition met (before and after the
// wait starts) and timing out, deletion with and without finalizers (kubectl waits until the
// object is gone), a namespace with objects in it, and owners taking their dependents along.
import type { Readable } from "node:stream";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject, WatchEvent } from "../../../src/sandbox/kube/types.js";
import { KUBECTL } from "../../support/kube-tools.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { WIDGET_CRD, widget } from "./support/widget-crd.js";
import { kubectlOk } from "./support/workloads.js";

let f: KubeFixture;

beforeAll(async () => {
  f = await startKubeFixture();
  const r = await f.kubectl(["apply", "--server-side", "-f", await f.file("crd.yaml", WIDGET_CRD)]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
});
afterAll(async () => {
  await f.close();
});

const ok = (args: string[]): Promise<string> => kubectlOk(f, args);

/** Resolves with the first in-process watch event of `kind` that `pred` accepts. */
function nextEvent(apiVersion: string, kind: string, what: string, pred: (e: WatchEvent) => boolean, timeoutMs = 20_000): Promise<WatchEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${kind} event within ${timeoutMs} ms: waited for ${what}`));
    }, timeoutMs);
    const stop = f.server.api.watch(apiVersion, kind, (e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      stop();
      resolve(e);
    });
  });
}

/** Resolves once kubectl (run with -v=6) logs the answer to its watch request of `plural`. */
function watchOpened(child: { stderr: Readable | null }, plural: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`kubectl did not open its watch of ${plural} within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (new RegExp(`/${plural}\\?.*watch=true.* 200 OK`).test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

const readyPatch = '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}';

describe("kubectl wait", () => {
  it("returns at once when the condition already holds", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("w-ready.yaml", widget("ready"))]);
    await ok(["patch", "widget", "ready", "--subresource=status", "--type=merge", "-p", readyPatch]);
    expect(await ok(["wait", "--for=condition=Ready", "widget/ready", "--timeout=30s"])).toContain("widget.example.com/ready condition met");
  });

  it("returns once the condition comes true while it waits", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("w-later.yaml", widget("later"))]);
    const waiting = execa(KUBECTL, ["wait", "--for=condition=Ready", "widget/later", "--timeout=60s", "-v=6"], { env: f.env, extendEnv: false, reject: false });
    await watchOpened(waiting, "widgets");
    await ok(["patch", "widget", "later", "--subresource=status", "--type=merge", "-p", readyPatch]);
    const r = await waiting;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("widget.example.com/later condition met");
  });

  it("times out with kubectl's message and exit 1", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("w-never.yaml", widget("never"))]);
    const r = await f.kubectl(["wait", "--for=condition=Ready", "widget/never", "--timeout=2s"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("error: timed out waiting for the condition on widgets/never");
  });
});

describe("kubectl delete", () => {
  it("deletes an object without finalizers at once", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("w-plain.yaml", widget("plain"))]);
    expect(await ok(["delete", "widget", "plain"])).toContain('widget.example.com "plain" deleted');
    const r = await f.kubectl(["get", "widget", "plain"]);
    expect(r.stderr).toContain('widgets.example.com "plain" not found');
  });

  it("waits for a finalizer to go, which a patch removes", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("w-fin.yaml", widget("fin").replace("metadata:\n", "metadata:\n  finalizers: [example.com/hold]\n"))]);
    const marked = nextEvent("example.com/v1", "Widget", "fin marked for deletion", (e) => e.object.metadata.name === "fin" && e.object.metadata.deletionTimestamp !== undefined);
    const deleting = f.kubectl(["delete", "widget", "fin", "--timeout=60s"]);
    const event = await marked;
    expect(event.type).toBe("MODIFIED");
    expect(f.server.api.get("example.com/v1", "Widget", "default", "fin")?.metadata.finalizers).toEqual(["example.com/hold"]);
    const gone = nextEvent("example.com/v1", "Widget", "fin deleted", (e) => e.type === "DELETED" && e.object.metadata.name === "fin");
    await ok(["patch", "widget", "fin", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
    await gone;
    const r = await deleting;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('widget.example.com "fin" deleted');
  });

  it("times out while a finalizer stays, saying so", async () => {
    await ok(["apply", "--server-side", "-f", await f.file("w-stuck.yaml", widget("stuck").replace("metadata:\n", "metadata:\n  finalizers: [example.com/hold]\n"))]);
    const r = await f.kubectl(["delete", "widget", "stuck", "--timeout=2s"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("error: timed out waiting for the condition on widgets/stuck");
    expect(f.server.api.get("example.com/v1", "Widget", "default", "stuck")?.metadata.deletionTimestamp).toBeDefined();
  });

  it("deletes a namespace with what it holds: Terminating, then gone", async () => {
    const ns = "doomed";
    await ok(["apply", "-f", await f.file("ns.yaml", `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`)]);
    await ok(["apply", "-n", ns, "-f", await f.file("ns-content.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside}\n---\n${widget("inside")}`)]);
    const terminating = nextEvent("v1", "Namespace", `${ns} Terminating`, (e) => e.object.metadata.name === ns && (e.object.status as { phase?: string } | undefined)?.phase === "Terminating");
    const r = await f.kubectl(["delete", "namespace", ns, "--timeout=60s"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await terminating).type).toBe("MODIFIED");
    expect(f.server.api.get("v1", "Namespace", undefined, ns)).toBeUndefined();
    expect(f.server.api.list("v1", "ConfigMap", ns)).toEqual([]);
    expect(f.server.api.list("example.com/v1", "Widget", ns)).toEqual([]);
  });

  it("garbage-collects dependents of a deleted owner", async () => {
    const owner = f.server.api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "owner", namespace: "default" } }, "test");
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid ?? "", controller: true };
    const dep: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dependent", namespace: "default", ownerReferences: [ref] } };
    f.server.api.create(dep, "test");
    const collected = nextEvent("v1", "ConfigMap", "dependent collected", (e) => e.type === "DELETED" && e.object.metadata.name === "dependent");
    await ok(["delete", "configmap", "owner"]);
    await collected;
    expect(f.server.api.get("v1", "ConfigMap", "default", "dependent")).toBeUndefined();
  });
});
