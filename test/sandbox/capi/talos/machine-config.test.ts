// The machine config CABPT writes: per type, with the cluster's endpoint and secrets, and the
// TalosConfig's strategic patches merged over it.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { deepMerge, machineConfig, newClusterSecrets, secretsFromYaml, secretsToYaml } from "../../../../src/sandbox/capi/talos/machine-config.js";

const secrets = newClusterSecrets();
const base = { clusterName: "k8s", endpoint: "https://198.51.100.7:6443", kubernetesVersion: "v1.33.1", talosVersion: "v1.10", secrets, strategicPatches: [] };
type Config = { machine: { type: string; ca: { key: string }; kubelet: { image: string }; install: { disk: string } }; cluster: { clusterName: string; apiServer?: unknown; etcd?: unknown; token: string } };

describe("machineConfig", () => {
  it("gives a control plane the CA keys, etcd and the API server, and a worker neither", () => {
    const cp = parse(machineConfig({ ...base, type: "controlplane" })) as Config;
    const worker = parse(machineConfig({ ...base, type: "worker" })) as Config;
    expect(cp.machine.type).toBe("controlplane");
    expect(cp.machine.ca.key).not.toBe("");
    expect(cp.cluster.etcd).toBeDefined();
    expect(cp.machine.kubelet.image).toBe("ghcr.io/siderolabs/kubelet:v1.33.1");
    expect(worker.machine.type).toBe("worker");
    expect(worker.machine.ca.key).toBe("");
    expect(worker.cluster.apiServer).toBeUndefined();
    expect(worker.cluster.token).toBe(cp.cluster.token);
  });

  it("merges strategic patches over the generated config", () => {
    const patched = parse(machineConfig({ ...base, type: "controlplane", strategicPatches: ["machine:\n  install:\n    disk: /dev/vda\ncluster:\n  clusterName: other\n"] })) as Config;
    expect(patched.machine.install.disk).toBe("/dev/vda");
    expect(patched.machine.kubelet.image).toBe("ghcr.io/siderolabs/kubelet:v1.33.1");
    expect(patched.cluster.clusterName).toBe("other");
    expect(() => machineConfig({ ...base, type: "worker", strategicPatches: ["machine: [unclosed"] })).toThrow(/strategic patch is not YAML/);
  });

  it("keeps the cluster secrets through their Secret's YAML", () => {
    expect(secretsFromYaml(secretsToYaml(secrets))).toEqual(secrets);
    expect(deepMerge({ a: { b: 1, c: [1] } }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] } });
  });
});
