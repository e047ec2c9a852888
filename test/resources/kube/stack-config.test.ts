// kube_objects declared in a stack config and driven by the built hk CLI as a user would: plan,
// apply, a no-op plan, an in-place change, destroy; a config mistake refused at plan time; the
// Secret's value never printed.
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hk } from "../../support/cli.js";
import { startKubeFixture, type KubeFixture } from "../../sandbox/kube/support/kube-server.js";

const CONFIG = resolve(import.meta.dirname, "../../fixtures/kube/stacks/objects.config.ts");
let f: KubeFixture;
beforeAll(async () => {
  f = await startKubeFixture();
});
afterAll(() => f?.close());

describe("kube_objects from a stack config, through the CLI", () => {
  it("plans, applies, plans nothing, changes in place and destroys", async () => {
    const state = join(f.dir, "state", "hk.state.json");
    const run = (args: string[], variant = "") => hk([...args, "-c", CONFIG, "--state", state], { cwd: f.dir, env: { HK_KUBECONFIG: f.kubeconfig, HK_KUBE_VARIANT: variant } });
    const plan = await run(["plan"]);
    expect(plan.stderr).toBe("");
    expect(plan.stdout).toContain("+ kube_objects.shop");
    expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(plan.stdout).not.toContain("sh0p-pa55word");
    const apply = await run(["apply", "--auto-approve"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout + apply.stderr).not.toContain("sh0p-pa55word");
    expect(f.server.api.get("apps/v1", "Deployment", "shop", "web")?.spec).toMatchObject({ replicas: 1 });
    expect((await run(["plan", "--detailed-exitcode"])).code).toBe(0);
    const scaled = await run(["apply", "--auto-approve"], "scaled");
    expect(scaled.code, scaled.stderr).toBe(0);
    expect(scaled.stdout).toContain("~ kube_objects.shop");
    expect(f.server.api.get("apps/v1", "Deployment", "shop", "web")?.spec).toMatchObject({ replicas: 3 });
    const destroy = await run(["destroy", "--auto-approve"], "scaled");
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(f.server.api.get("v1", "Namespace", undefined, "shop")).toBeUndefined();
  }, 180_000);

  it("refuses a namespaced object without a namespace before touching the cluster", async () => {
    const state = join(f.dir, "state2", "hk.state.json");
    const r = await hk(["plan", "-c", CONFIG, "--state", state], { cwd: f.dir, env: { HK_KUBECONFIG: f.kubeconfig, HK_KUBE_VARIANT: "no-namespace" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("objects.2.metadata.namespace");
    expect(r.stderr).toContain("ConfigMap settings is namespaced: set metadata.namespace");
    expect(f.server.api.get("v1", "Namespace", undefined, "shop")).toBeUndefined();
  }, 60_000);
});
