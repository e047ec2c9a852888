// Clients that write through client-go's typed clients (protobuf bodies): kubectl's generators,
// rollout status and scale over a Deployment the controllers roll out, and helm's release cycle,
// whose release Secrets are deleted with a protobuf DeleteOptions body.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELM } from "../../support/kube-tools.js";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";
import { kubectlOk } from "./support/workloads.js";

let f: KubeFixture;

beforeAll(async () => {
  f = await startKubeFixture();
});
afterAll(async () => {
  await f.close();
});

const ok = (args: string[]): Promise<string> => kubectlOk(f, args);

async function helm(args: string[]): Promise<string> {
  const r = await execa(HELM, args, { env: f.env, extendEnv: false, reject: false });
  if (r.exitCode !== 0) throw new Error(`helm ${args.join(" ")} exited ${String(r.exitCode)}: ${r.stderr}`);
  return r.stdout;
}

describe("typed clients", () => {
  it("creates a Deployment with kubectl's generator, rolls it out, scales it, and deletes it with its ReplicaSet and Pods", async () => {
    expect(await ok(["create", "deployment", "web", "--image=nginx", "--port=80"])).toContain("deployment.apps/web created");
    expect(await ok(["rollout", "status", "deployment/web", "--timeout=60s"])).toContain('deployment "web" successfully rolled out');
    expect(await ok(["scale", "deployment/web", "--replicas=3"])).toContain("deployment.apps/web scaled");
    await ok(["rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(await ok(["get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}"])).toBe("3");
    expect(await ok(["delete", "deployment", "web"])).toContain('deployment.apps "web" deleted');
    // Background garbage collection: the ReplicaSet and its Pods follow; kubectl waits on the watch.
    const left = await f.kubectl(["wait", "--for=delete", "pods", "-l", "app=web", "--timeout=60s"]);
    expect(left.exitCode, left.stderr).toBe(0);
    expect(f.server.api.list("apps/v1", "ReplicaSet", "default", "app=web")).toEqual([]);
  });

  it("deletes in the foreground (dependents first, kubectl waits) and orphans on request", async () => {
    await ok(["create", "deployment", "fg", "--image=nginx"]);
    await ok(["rollout", "status", "deployment/fg", "--timeout=60s"]);
    const fg = await f.kubectl(["delete", "deployment", "fg", "--cascade=foreground", "--timeout=60s"]);
    expect(fg.exitCode, fg.stderr).toBe(0);
    expect([f.server.api.get("apps/v1", "Deployment", "default", "fg"), f.server.api.list("apps/v1", "ReplicaSet", "default", "app=fg")]).toEqual([undefined, []]);

    await ok(["create", "deployment", "orph", "--image=nginx"]);
    await ok(["rollout", "status", "deployment/orph", "--timeout=60s"]);
    expect(await ok(["delete", "deployment", "orph", "--cascade=orphan"])).toContain('deployment.apps "orph" deleted');
    const kept = f.server.api.list("apps/v1", "ReplicaSet", "default", "app=orph");
    expect(kept.map((rs) => rs.metadata.ownerReferences)).toEqual([undefined]);
  });

  it("runs helm's install --wait, upgrade, history and uninstall of a local chart", async () => {
    const chart = join(f.dir, "chart");
    await mkdir(join(chart, "templates"), { recursive: true });
    await writeFile(join(chart, "Chart.yaml"), "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
    await writeFile(join(chart, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-cm\ndata:\n  a: '{{ .Values.a }}'\n");
    await writeFile(join(chart, "values.yaml"), "a: one\n");
    expect(await helm(["install", "demo", chart, "--wait", "--timeout", "60s"])).toContain("STATUS: deployed");
    expect(await helm(["upgrade", "demo", chart, "--set", "a=two"])).toContain("REVISION: 2");
    expect(await ok(["get", "cm", "demo-cm", "-o", "jsonpath={.data.a}"])).toBe("two");
    const history = await helm(["history", "demo"]);
    expect(history).toMatch(/^1\s.*superseded/m);
    expect(history).toMatch(/^2\s.*deployed/m);
    expect(await helm(["uninstall", "demo"])).toContain('release "demo" uninstalled');
    expect(f.server.api.list("v1", "Secret", "default", "owner=helm")).toEqual([]);
    expect(f.server.api.get("v1", "ConfigMap", "default", "demo-cm")).toBeUndefined();
  });
});

describe("everyday kubectl over workloads", () => {
  it("describes a Deployment (events asked by involvedObject), selects pods by status.phase, and reads an empty log", async () => {
    await ok(["create", "deployment", "desc", "--image=nginx"]);
    await ok(["rollout", "status", "deployment/desc", "--timeout=60s"]);
    const d = await ok(["describe", "deployment", "desc"]);
    expect(d).toMatch(/^Name:\s+desc$/m);
    expect(d).toMatch(/^Events:\s+<none>$/m);
    const running = await ok(["get", "pods", "-l", "app=desc", "--field-selector=status.phase=Running", "-o", "name"]);
    expect(running.trim().split("\n")).toHaveLength(1);
    const bad = await f.kubectl(["get", "pods", "--field-selector=spec.bogus=x"]);
    expect(bad.stderr).toContain("field label not supported: spec.bogus");
    const logs = await f.kubectl(["logs", "deployment/desc"]);
    expect([logs.exitCode, logs.stdout]).toEqual([0, ""]);
  });
});
