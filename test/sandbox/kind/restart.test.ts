// A world's clusters outlive whoever served them: the next holder serves each on the same port
// with the same PKI and objects, so a kubeconfig written once keeps working (real kubectl); a port
// taken in the meantime is a clear error; reset removes them; CAPH's side makes workload clusters.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSandbox, resetSandbox, serveSandbox } from "../../../src/sandbox/world.js";
import { startHk } from "../../support/cli.js";
import { freshClientEnv, KUBECTL, requireKubeTools } from "../../support/kube-tools.js";
import { kind, kindEnv } from "./support.js";

const exec = promisify(execFile);
let dir: string;
let kubeconfig: string;
let kubectlEnv: NodeJS.ProcessEnv;
const kubectl = async (args: string[], input?: string) => {
  const child = exec(KUBECTL, args, { env: kubectlEnv });
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
};

beforeAll(async () => {
  requireKubeTools();
  dir = await mkdtemp(join(tmpdir(), "hk-kind-restart-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a world's clusters across holders", () => {
  it("kind's cluster starts as kind v0.29 leaves one: its node Ready, namespaces, the default StorageClass", async () => {
    const world = await serveSandbox(dir, { actionMs: 20 });
    try {
      const env = await kindEnv(dir);
      expect((await kind(["create", "cluster", "--name", "keep"], env)).code).toBe(0);
      kubeconfig = join(env.HOME ?? "", ".kube", "config");
      kubectlEnv = await freshClientEnv({ KUBECONFIG: kubeconfig });
      expect(await kubectl(["get", "nodes"])).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION\nkeep-control-plane +Ready +control-plane +\S+ +v1\.33\.1\n$/);
      const node = JSON.parse(await kubectl(["get", "node", "keep-control-plane", "-o", "json"])) as { metadata: { labels: Record<string, string> }; spec: { taints?: unknown } };
      expect(node.metadata.labels).toMatchObject({ "node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "keep-control-plane" });
      // kind takes the control-plane taint off when there are no workers.
      expect(node.spec.taints).toBeUndefined();
      expect((await kubectl(["get", "namespaces", "-o", "name"])).split("\n").filter(Boolean).sort()).toEqual(
        ["default", "kube-node-lease", "kube-public", "kube-system", "local-path-storage"].map((n) => `namespace/${n}`),
      );
      expect(await kubectl(["get", "storageclass"])).toMatch(/\nstandard \(default\) +rancher\.io\/local-path +Delete +WaitForFirstConsumer/);
      await kubectl(["apply", "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  namespace: default\ndata:\n  answer: '42'\n");
    } finally {
      await world.close();
    }
  });

  it("the next holder serves it on the same port: the kubeconfig written by kind still works", async () => {
    const next = await openSandbox(dir, { actionMs: 20 });
    try {
      expect(next.served).toBe(false);
      expect(await kubectl(["get", "configmap", "kept", "-o", "jsonpath={.data.answer}"])).toBe("42");
      expect(await kubectl(["get", "nodes", "--no-headers"])).toMatch(/^keep-control-plane +Ready +control-plane/);
    } finally {
      await next.close();
    }
  });

  it("hk sandbox serve lists the clusters it serves again", async () => {
    const server = /127\.0\.0\.1:\d+/.exec(await kubectl(["config", "view", "-o", "jsonpath={.clusters[0].cluster.server}"]))?.[0];
    const serve = startHk(["sandbox", "serve", "--dir", dir], { cwd: dir, env: { HOME: dir } });
    try {
      let out = "";
      await new Promise<void>((ok, bad) => {
        const timer = setTimeout(() => bad(new Error(`hk sandbox serve printed no world line within 60 s:\n${out}`)), 60_000);
        serve.child.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          if (!out.includes("# world:")) return;
          clearTimeout(timer);
          ok();
        });
      });
      expect(out).toContain(`\n# Kubernetes cluster keep (kind, v1.33.1): https://${server}\n`);
      expect(await kubectl(["get", "configmap", "kept", "-o", "jsonpath={.data.answer}"])).toBe("42");
    } finally {
      serve.child.kill("SIGINT");
      await serve.done;
    }
  });

  it("a port taken in the meantime is a clear error, and the world is left free", async () => {
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(await kubectl(["config", "view", "-o", "jsonpath={.clusters[0].cluster.server}"]))?.[1]);
    const squatter = createServer();
    await new Promise<void>((ok) => squatter.listen(port, "127.0.0.1", () => ok()));
    try {
      await expect(serveSandbox(dir, { actionMs: 20 })).rejects.toThrow(`sandbox cluster "keep" cannot be served: its port ${port} (written in its kubeconfig) is taken by another process`);
      expect(existsSync(join(dir, "sandbox.lock"))).toBe(false);
    } finally {
      await new Promise((ok) => squatter.close(ok));
    }
  });

  it("workload clusters are made in-process, and reset removes every cluster", async () => {
    const world = await openSandbox(dir, { actionMs: 20 });
    try {
      const made = await world.clusters?.create({ name: "wl", kind: "workload", serverVersion: "v1.32.2", nodes: [{ name: "wl-cp-abcde", role: "control-plane" }] });
      expect(made).toMatchObject({ name: "wl", kind: "workload", serverVersion: "v1.32.2", server: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) });
      expect(world.clusters?.list().map((c) => c.name)).toEqual(["keep", "wl"]);
      const api = world.clusters?.api("wl");
      expect(api?.get("v1", "Node", undefined, "wl-cp-abcde")).toMatchObject({ status: { nodeInfo: { kubeletVersion: "v1.32.2" } } });
      expect(api?.get("storage.k8s.io/v1", "StorageClass", undefined, "standard")).toBeUndefined();
      await expect(world.clusters?.create({ name: "wl", kind: "workload", serverVersion: "v1.32.2" })).rejects.toThrow('a cluster named "wl" already exists');
    } finally {
      await world.close();
    }
    expect(existsSync(join(dir, "kube", "wl", "cluster.json"))).toBe(true);
    await resetSandbox(dir);
    expect(existsSync(join(dir, "kube"))).toBe(false);
    const empty = await openSandbox(dir, { actionMs: 20 });
    try {
      expect(empty.clusters?.list()).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});
