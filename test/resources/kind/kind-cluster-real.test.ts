// kind_cluster in real mode: hk runs `kind` from PATH through execa (here a recording stand-in
// that answers as kind v0.29 does), as a temporary resource the engine makes before what needs
// it and deletes after. Checks what hk runs, the progress it shows, the 0600 kubeconfig beside the
// state whose contents never reach the state, and how a failed create is reported.
import { readFileSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseKindLine } from "../../../src/providers/kind.js";
import { ref } from "../../../src/engine/values.js";
import { kindClusterType, kindKubeconfigPath } from "../../../src/resources/kind/index.js";
import { fakeType } from "../../support/fake-type.js";
import { actions, harness, stackOf } from "../../support/engine-harness.js";
import { fakeKind } from "./fake-kind.js";

function stack(kubeconfigPath: string) {
  return stackOf([
    { address: "kind_cluster.boot", type: "kind_cluster", inputs: { name: "boot", kubeconfigPath }, lifecycle: { temporary: true } },
    { address: "fake.uses", type: "fake", inputs: { value: ref("kind_cluster.boot", "kubeconfigPath") } },
  ]);
}

describe("kind's lines", () => {
  it.each([
    [" • Ensuring node image (kindest/node:v1.33.1) 🖼  ...", { step: "Ensuring node image (kindest/node:v1.33.1)", state: "running" }],
    [" ✓ Preparing nodes 📦 ", { step: "Preparing nodes", state: "done" }],
    [" ✗ Starting control-plane 🕹️", { step: "Starting control-plane", state: "failed" }],
    [" ✓ Waiting ≤ 5m0s for control-plane = Ready ⏳", { step: "Waiting ≤ 5m0s for control-plane = Ready", state: "done" }],
    [" • WARNING: Timed out waiting for Ready ⚠️", { warning: "Timed out waiting for Ready" }],
    ["ERROR: failed to create cluster: boom", { error: "failed to create cluster: boom" }],
    ['Creating cluster "boot" ...', undefined],
  ])("%s", (line, want) => {
    expect(parseKindLine(line)).toEqual(want);
  });
});

describe("kind_cluster with kind on PATH", () => {
  it("creates the cluster for what needs it, shows kind's steps, deletes it after; the kubeconfig never enters the state", async () => {
    const h = harness();
    const kind = await fakeKind();
    const kubeconfigPath = kindKubeconfigPath(h.statePath, "boot");
    const seenKubeconfig: unknown[] = [];
    const fake = fakeType(h.world, { type: "fake" });
    const types = [
      kindClusterType({ env: kind.env }),
      {
        ...fake,
        create: async (...a: Parameters<typeof fake.create>) => {
          // While the cluster exists, its kubeconfig is the 0600 file kind wrote.
          seenKubeconfig.push(a[1].value, statSync(String(a[1].value)).mode & 0o777, readFileSync(String(a[1].value), "utf8").includes("server: https://127.0.0.1:41234"));
          return fake.create(...a);
        },
      },
    ];
    const { outcome, result } = await h.apply(stack(kubeconfigPath), types);
    expect(actions(outcome)).toEqual(["create fake.uses", "create kind_cluster.boot"]);
    expect(result.failed).toEqual([]);
    expect(seenKubeconfig).toEqual([join(h.dir, "state", "kind-boot.kubeconfig"), 0o600, true]);
    expect(await kind.calls()).toEqual([
      // The plan looks for a cluster to adopt before making one.
      ["get", "clusters"],
      ["create", "cluster", "--name", "boot", "--image", "kindest/node:v1.33.1", "--kubeconfig", kubeconfigPath, "--wait", "5m"],
      ["delete", "cluster", "--name", "boot", "--kubeconfig", kubeconfigPath],
    ]);
    const progress = h.events.flatMap((e) => (e.type === "step-progress" && e.address === "kind_cluster.boot" ? [e.message] : []));
    expect(progress).toEqual([
      "kind create cluster --name boot (kindest/node:v1.33.1)",
      "Ensuring node image (kindest/node:v1.33.1)",
      "Preparing nodes",
      "Writing configuration",
      "Starting control-plane",
      "Installing CNI",
      "Installing StorageClass",
      "Waiting ≤ 5m0s for control-plane = Ready",
      "kind delete cluster --name boot",
    ]);
    const state = readFileSync(h.statePath, "utf8");
    expect(state).not.toContain("U0VDUkVUS0VZ");
    expect(state).not.toContain("client-key-data");
    // Gone with the cluster: kind emptied it, hk removed its own file.
    expect(existsSync(kubeconfigPath)).toBe(false);
    expect(actions(await h.plan(stack(kubeconfigPath), types))).toEqual([]);
  });

  it("a failed create is reported with kind's own last ERROR: line, and nothing runs after it", async () => {
    const h = harness();
    const kind = await fakeKind({ FAKE_KIND_FAIL: "1" });
    const kubeconfigPath = kindKubeconfigPath(h.statePath, "boot");
    const types = [kindClusterType({ env: kind.env }), fakeType(h.world, { type: "fake" })];
    const { result } = await h.apply(stack(kubeconfigPath), types);
    expect(result.ok).toBe(false);
    expect(result.failed.map((f) => f.address)).toEqual(["kind_cluster.boot"]);
    expect(result.failed[0]?.error).toBe(
      'kind create cluster --name boot failed: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged boot-control-plane kubeadm init --skip-phases=preflight --config=/kind/kubeadm.conf --skip-token-print --v=6" failed with error: exit status 1',
    );
    expect(h.world.read().objects).toEqual({});
    expect((await kind.calls()).map((c) => c.slice(0, 2).join(" "))).toEqual(["get clusters", "create cluster"]);
    const logs = h.events.flatMap((e) => (e.type === "step-log" && e.address === "kind_cluster.boot" ? [e.message] : []));
    expect(logs).toContain("✗ Starting control-plane");
  });

  it("says kind is missing when it is not on PATH", async () => {
    const h = harness();
    const types = [kindClusterType({ env: { PATH: "/nonexistent" } }), fakeType(h.world, { type: "fake" })];
    // The plan finds no kind cluster to adopt without kind; the create says kind is missing.
    const { result } = await h.apply(stack(kindKubeconfigPath(h.statePath, "boot")), types);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain("kind is not installed (not found on PATH): install kind v0.29 (https://kind.sigs.k8s.io), or use --sandbox");
  });
});

describe("kind_cluster interrupted", () => {
  it("Ctrl-C during kind create stops kind at once and says what may be left", async () => {
    const kind = await fakeKind({ FAKE_KIND_HANG: "1" });
    const type = kindClusterType({ env: kind.env });
    const ctrl = new AbortController();
    let hungAt = 0;
    const ctx = {
      signal: ctrl.signal,
      progress: (m: string) => {
        if (m === "Preparing nodes" && hungAt === 0) {
          hungAt = Date.now();
          ctrl.abort();
        }
      },
      log: () => undefined,
    };
    const inputs = type.inputs.parse({ name: "boot", kubeconfigPath: join(tmpdir(), `hk-kind-int-${process.pid}`, "kc") });
    const err = await type.create(ctx, inputs, { address: "kind_cluster.boot", stack: "test", lineage: "l" }).then(() => undefined, (e: unknown) => e as Error & { left?: { id: string } });
    expect(Date.now() - hungAt).toBeLessThan(10_000);
    expect(err?.name).toBe("CreateFailedError");
    expect(err?.message).toBe("interrupted while running kind create cluster: kind cluster boot may be left half made");
    expect(err?.left?.id).toBe("boot");
  }, 60_000);
});
