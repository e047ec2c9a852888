// Worker pools in the config: none by default, every mistake named by its path.
import { describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../src/config/schema.js";
import { issueLines } from "../../src/engine/issues.js";

const problems = (workers: unknown) => {
  const r = clusterConfigSchema.safeParse({ workers });
  return r.success ? [] : issueLines(r.error.issues);
};

describe("worker pools", () => {
  it("default to none, and fill labels and taints", () => {
    expect(clusterConfigSchema.parse({}).workers).toEqual([]);
    expect(clusterConfigSchema.parse({ workers: [{ name: "a", serverType: "cx33", replicas: 0 }] }).workers).toEqual([{ name: "a", serverType: "cx33", replicas: 0, labels: {}, taints: [] }]);
  });

  it("name, server type and replicas: each mistake at its path", () => {
    expect(problems([{ name: "ok", serverType: "cx33", replicas: 1 }, { name: "Bad_Name", serverType: "", replicas: 1.5 }, { name: "a-pool-name-far-too-long", serverType: "cx33", replicas: -1 }])).toEqual([
      "workers.1.name: expected a lowercase pool name of 1-18 letters, digits and dashes",
      "workers.1.serverType: expected a Hetzner server type like cx33",
      "workers.1.replicas: expected a whole number ≥ 0",
      "workers.2.name: expected a lowercase pool name of 1-18 letters, digits and dashes",
      "workers.2.replicas: expected a number ≥ 0",
    ]);
  });

  it("pool names are unique", () => {
    expect(problems([{ name: "a", serverType: "cx33", replicas: 1 }, { name: "b", serverType: "cx33", replicas: 1 }, { name: "a", serverType: "cx43", replicas: 1 }])).toEqual(["workers.2.name: pool name a is used twice"]);
  });

  it("labels follow Kubernetes' key and value rules", () => {
    const lines = problems([{ name: "a", serverType: "cx33", replicas: 1, labels: { "example.com/ok": "v", "-bad": "v", "Bad..Prefix/x": "v", good: "no spaces" } }]);
    expect(lines).toEqual([
      "workers.0.labels.good: expected a value of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
      "workers.0.labels.-bad: expected a key of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, after an optional prefix/",
      'workers.0.labels.Bad..Prefix/x: expected the key\'s prefix "Bad..Prefix" to be a DNS subdomain like example.com',
    ]);
  });

  it("labels a node may not give itself are refused, unless Cluster API copies them", () => {
    const labels = { "node-role.kubernetes.io/gpu": "", "node.kubernetes.io/pool": "a", "kubernetes.io/hostname": "x", "kubernetes.io/role": "gpu", "example.k8s.io/x": "y" };
    expect(problems([{ name: "a", serverType: "cx33", replicas: 1, labels }])).toEqual([
      "workers.0.labels.kubernetes.io/role: the NodeRestriction admission plugin refuses a node's own labels under kubernetes.io/",
      "workers.0.labels.example.k8s.io/x: the NodeRestriction admission plugin refuses a node's own labels under example.k8s.io/",
    ]);
  });

  it("taints need a known effect and a valid key", () => {
    expect(problems([{ name: "a", serverType: "cx33", replicas: 1, taints: [{ key: "gpu", effect: "NoSchedule" }, { key: "gpu", value: "x", effect: "Never" }, { key: "", effect: "NoExecute" }] }])).toEqual([
      "workers.0.taints.1.effect: expected NoSchedule, PreferNoSchedule or NoExecute",
      "workers.0.taints.2.key: expected a key of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, after an optional prefix/",
    ]);
  });
});
