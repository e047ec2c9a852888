// kube-scheduler and the kubelets, for Pods with no containers to run: an unbound Pod is bound to
// a fitting Ready node, then reported Running and Ready at once (restartPolicy Always), or
// Succeeded with every container exited 0 (Never, OnFailure: Job pods), with an IP from the
// node's podCIDR. A Pod nothing fits, or with scheduling gates, stays Pending with PodScheduled
// False, as the scheduler says.
import { createHash } from "node:crypto";
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, now, type Obj, writeObject, writeStatus } from "./meta.js";
import { nodeInternalIP, place } from "./nodes.js";
import { podIP } from "./pods.js";
import { keyOf, splitKey, type Controller } from "./runtime.js";

/** docker.io/library/nginx:latest for `nginx`, as containerd reports image names. */
function fullImage(image: string): string {
  const first = image.split("/")[0] ?? "";
  const hasRegistry = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  let name = hasRegistry ? image : `docker.io/${image.includes("/") ? image : `library/${image}`}`;
  const last = name.split("/").pop() ?? "";
  if (!last.includes(":") && !name.includes("@")) name += ":latest";
  return name;
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function qosClass(spec: Obj): string {
  const containers = [...asArray(spec.containers), ...asArray(spec.initContainers)];
  const res = containers.map((c) => asObj(c.resources));
  if (res.every((r) => Object.keys(asObj(r.requests)).length === 0 && Object.keys(asObj(r.limits)).length === 0)) return "BestEffort";
  const guaranteed = res.every((r) => ["cpu", "memory"].every((k) => asObj(r.limits)[k] !== undefined && (asObj(r.requests)[k] ?? asObj(r.limits)[k]) === asObj(r.limits)[k]));
  return guaranteed ? "Guaranteed" : "Burstable";
}

function condition(type: string, status: string, time: string, reason?: string): Obj {
  return { type, status, lastProbeTime: null, lastTransitionTime: time, ...(reason ? { reason } : {}) };
}

/** Pod IPs in use, seeded from the stored Pods, freed when a Pod is deleted. */
class PodIps {
  private readonly used = new Set<string>();
  private cursor = 2;
  constructor(api: ClusterApi) {
    for (const p of api.list("v1", "Pod")) {
      const ip = podIP(p);
      if (ip) this.used.add(ip);
    }
  }
  release(ip: string | undefined): void {
    if (ip) this.used.delete(ip);
  }
  /** The next free address of `cidr` (a /24 or /16 of IPv4), sequentially. */
  take(cidr: string): string {
    const [base = "10.244.0.0", bits = "16"] = cidr.split("/");
    const octets = base.split(".").map(Number);
    const size = 2 ** (32 - Number(bits));
    const start = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
    for (let i = 0; i < size; i++) {
      const offset = ((this.cursor + i - 2) % (size - 3)) + 2;
      const n = start + offset;
      const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
      if (!this.used.has(ip)) {
        this.used.add(ip);
        this.cursor = offset + 1;
        return ip;
      }
    }
    throw new Error(`no free pod IP in ${cidr}`);
  }
}

function runningStatus(pod: KubeObject, node: KubeObject | undefined, ip: string, time: string): Obj {
  const spec = asObj(pod.spec);
  const completes = spec.restartPolicy === "Never" || spec.restartPolicy === "OnFailure";
  const containerId = (name: string) => `containerd://${sha(`${pod.metadata.uid ?? ""}/${name}`)}`;
  const image = (c: Obj) => fullImage(String(c.image ?? ""));
  const imageID = (c: Obj) => `${image(c).replace(/:[^:/]*$/, "")}@sha256:${sha(image(c))}`;
  const exited = { terminated: { exitCode: 0, reason: "Completed", startedAt: time, finishedAt: time, containerID: "" } };
  const status = (c: Obj, done: boolean): Obj => ({
    containerID: containerId(String(c.name)),
    image: image(c),
    imageID: imageID(c),
    lastState: {},
    name: c.name,
    ready: !done,
    restartCount: 0,
    started: !done,
    state: done ? { terminated: { ...exited.terminated, containerID: containerId(String(c.name)) } } : { running: { startedAt: time } },
  });
  const hostIP = node ? nodeInternalIP(node) : undefined;
  const readyStatus = completes ? "False" : "True";
  const doneReason = completes ? "PodCompleted" : undefined;
  return {
    phase: completes ? "Succeeded" : "Running",
    conditions: [
      condition("PodReadyToStartContainers", completes ? "False" : "True", time),
      condition("Initialized", "True", time, doneReason),
      condition("Ready", readyStatus, time, doneReason),
      condition("ContainersReady", readyStatus, time, doneReason),
      condition("PodScheduled", "True", time),
    ],
    ...(hostIP ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
    podIP: ip,
    podIPs: [{ ip }],
    startTime: time,
    ...(asArray(spec.initContainers).length > 0 ? { initContainerStatuses: asArray(spec.initContainers).map((c) => status(c, true)) } : {}),
    containerStatuses: asArray(spec.containers).map((c) => status(c, completes)),
    qosClass: qosClass(spec),
  };
}

/** Binds and "runs" every Pod; Node changes retry the Pending ones. */
export function kubeletController(api: ClusterApi): Controller {
  const ips = new PodIps(api);
  const pods: Controller["watches"][number] = {
    apiVersion: "v1",
    kind: "Pod",
    keys: (e) => {
      if (e.type === "DELETED") {
        ips.release(podIP(e.object));
        return [];
      }
      return [keyOf(e.object)];
    },
  };
  const nodes = { apiVersion: "v1", kind: "Node", keys: () => api.list("v1", "Pod").filter((p) => asObj(p.status).phase === undefined || asObj(p.status).phase === "Pending").map(keyOf) };
  return {
    name: "kubelet",
    primary: { apiVersion: "v1", kind: "Pod" },
    watches: [pods, nodes],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      let pod = api.get("v1", "Pod", namespace, name);
      if (!pod || pod.metadata.deletionTimestamp) return;
      const status = asObj(pod.status);
      if (status.phase !== undefined && status.phase !== "Pending") return;
      const spec = asObj(pod.spec);
      if (asArray(spec.schedulingGates).length > 0) {
        const gated = { ...condition("PodScheduled", "False", now(), "SchedulingGated"), message: "Scheduling is blocked due to non-empty scheduling gates" };
        if (!asArray(status.conditions).some((c) => c.reason === "SchedulingGated")) writeStatus(api, pod, { phase: "Pending", conditions: [gated], qosClass: qosClass(spec) }, "kube-scheduler");
        return;
      }
      let node: KubeObject | undefined;
      if (typeof spec.nodeName === "string" && spec.nodeName !== "") {
        node = api.get("v1", "Node", undefined, spec.nodeName);
      } else {
        const where = place(api, name, spec);
        if ("unschedulable" in where) {
          const time = now();
          const old = asArray(status.conditions).find((c) => c.type === "PodScheduled");
          writeStatus(api, pod, { phase: "Pending", conditions: [{ ...condition("PodScheduled", "False", String(old?.lastTransitionTime ?? time), "Unschedulable"), message: where.unschedulable }], qosClass: qosClass(spec) }, "kube-scheduler");
          return;
        }
        if ("node" in where) {
          node = where.node;
          pod = writeObject(api, pod, { ...pod, spec: { ...spec, nodeName: node.metadata.name } }, "kube-scheduler");
        }
      }
      const cidr = String(asObj(node?.spec).podCIDR ?? "10.244.0.0/16");
      const ip = spec.hostNetwork === true && node ? (nodeInternalIP(node) ?? ips.take(cidr)) : ips.take(cidr);
      try {
        writeStatus(api, pod, runningStatus(pod, node, ip, now()), "kubelet");
      } catch (err) {
        ips.release(ip);
        throw err;
      }
    },
  };
}

