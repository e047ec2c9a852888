// What the workload tests share: a Ready Node made through the cluster's API (as the kubelet
// registers one), kubectl that throws with its stderr on a non-zero exit, and a wait for a
// condition on the emulated cluster's objects that names what it waited for.
import type { ClusterApi, KubeObject } from "../../../../src/sandbox/kube/types.js";
import type { KubeFixture } from "./kube-server.js";

/** Registers `name` as a Ready node with an InternalIP and a podCIDR, as kind's node is. */
export function addReadyNode(api: ClusterApi, name: string, index = 0): void {
  api.apply(
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": "" } },
      spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    },
    "kubeadm",
  );
  const time = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  api.apply(
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name },
      status: {
        conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: time, lastTransitionTime: time }],
        addresses: [
          { type: "InternalIP", address: `172.18.0.${index + 2}` },
          { type: "Hostname", address: name },
        ],
        nodeInfo: { kubeletVersion: "v1.33.1", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0-37-amd64", containerRuntimeVersion: "containerd://2.1.1", operatingSystem: "linux", architecture: "amd64" },
      },
    },
    "kubelet",
    { force: true, subresource: "status" },
  );
}

/** Runs kubectl; its stdout, or an error carrying the exit code and stderr. */
export async function kubectlOk(f: KubeFixture, args: string[], input?: string): Promise<string> {
  const r = await f.kubectl(args, input === undefined ? {} : { input });
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.exitCode}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Resolves once `test` holds for the listed objects (checked on every change), or fails naming `what`. */
export function waitFor(api: ClusterApi, apiVersion: string, kind: string, what: string, test: (objs: KubeObject[]) => boolean, timeoutMs = 15_000): Promise<KubeObject[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const objs = api.list(apiVersion, kind);
      if (!test(objs)) return false;
      clearTimeout(timer);
      stop();
      resolve(objs);
      return true;
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const stop = api.watch(apiVersion, kind, () => void check());
    check();
  });
}

/** The table kubectl printed, as rows of whitespace-separated cells (header first). */
export function tableRows(text: string): string[][] {
  return text
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s{2,}/));
}
