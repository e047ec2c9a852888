// The checks that ask the Hetzner API (the emulator's catalogue), and the size and pool checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterConfigSchema, type ClusterConfigInput } from "../../../src/config/schema.js";
import { configChecks, GENERATED_BASE_BYTES, hcloudChecks } from "../../../src/resources/capi/preflight.js";
import { sandboxEnv, type SandboxEnv } from "../hcloud/sandbox-env.js";

let env: SandboxEnv;
beforeAll(async () => {
  env = await sandboxEnv();
});
afterAll(async () => {
  await env.close();
});

const hcloud = (input: ClusterConfigInput) => hcloudChecks(env.client, clusterConfigSchema.parse(input));

describe("server type checks against the Hetzner API", () => {
  it("the seed's cx33 in nbg1 on amd64 passes, with each pool checked too", async () => {
    const findings = await hcloud({ workers: [{ name: "web", serverType: "cpx22", replicas: 1 }] });
    expect(findings.map((f) => [f.ok, f.message])).toEqual([
      [true, "controlPlane.serverType cx33 is sold in nbg1 for amd64"],
      [true, "workers[0].serverType cpx22 is sold in nbg1 for amd64"],
    ]);
  });

  it("a type that does not exist, one not sold in the location, one of the other architecture", async () => {
    const findings = await hcloud({ hcloud: { location: "ash" }, controlPlane: { serverType: "cpx22" }, workers: [{ name: "a", serverType: "cx22", replicas: 1 }, { name: "b", serverType: "cx33", replicas: 1 }] });
    expect(findings.map((f) => [f.ok, f.message])).toEqual([
      [true, "controlPlane.serverType cpx22 is sold in ash for amd64"],
      [false, "workers[0].serverType cx22: Hetzner Cloud has no such server type"],
      [false, "workers[1].serverType cx33 is not sold in ash"],
    ]);
    expect(findings[1]?.fix).toMatch(/^choose one sold in ash for amd64: .*cpx22/);
    expect(findings[2]?.fix).not.toMatch(/\bcx33\b/);
    const arm = await hcloud({ talos: { arch: "arm64" }, workers: [{ name: "arm", serverType: "cax21", replicas: 1 }] });
    expect(arm.map((f) => [f.ok, f.severity, f.message])).toEqual([
      [false, "error", "controlPlane.serverType cx33 is x86 (amd64), but the Talos image is arm64"],
      [true, "error", "workers[0].serverType cax21 is sold in nbg1 for arm64"],
    ]);
    expect(arm[0]?.fix).toMatch(/cax11.*; or set talos\.arch to amd64$/);
  });
});

describe("machine config size and pools", () => {
  const find = (input: ClusterConfigInput, check: string) => configChecks(clusterConfigSchema.parse(input)).filter((f) => f.check === check);

  it("the seed's config is well under Hetzner's 32 KiB user_data limit", () => {
    const [f] = find({}, "machine config size");
    expect(f?.ok).toBe(true);
    expect(f?.message).toMatch(/^largest machine config \(control plane\) about \d+\.\d KiB/);
  });

  it("a pool whose labels push its config over the limit is refused, naming the pool", () => {
    const labels = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`example.com/label-${i}`, "x".repeat(60)]));
    const [f] = find({ workers: [{ name: "fat", serverType: "cx33", replicas: 1, labels }] }, "machine config size");
    expect(f?.ok).toBe(false);
    expect(f?.severity).toBe("error");
    expect(f?.message).toContain("pool fat's machine config is about");
    expect(GENERATED_BASE_BYTES).toBeLessThan(32 * 1024);
  });

  it("a pool at zero replicas is a warning, not an error", () => {
    expect(find({ workers: [{ name: "idle", serverType: "cx33", replicas: 0 }] }, "worker pool idle").map((f) => [f.ok, f.severity, f.message])).toEqual([
      [false, "warning", "workers[0] idle has replicas 0: its MachineDeployment exists but makes no servers"],
    ]);
    expect(find({ workers: [{ name: "web", serverType: "cx33", replicas: 2 }] }, "worker pool web")).toEqual([]);
  });
});
