// What the apiserver's Service registry allocates: a clusterIP from 10.96.0.0/12 (never for
// ExternalName, `None` stays headless) with clusterIPs, ipFamilies and ipFamilyPolicy, and a
// nodePort from 30000-32767 for each port of a NodePort or LoadBalancer Service. The real one does
// it inside the create; here it lands a moment after, through an update. Addresses are derived
// from the Service's namespace/name and probed on collision, so runs repeat.
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, fnv32a, type Obj, writeObject } from "./meta.js";
import { self, splitKey, type Controller } from "./runtime.js";

const RANGE_START = (10 << 24) | (96 << 16); // 10.96.0.0
const RANGE_SIZE = 1 << 20; // /12
const NODE_PORT_MIN = 30000;
const NODE_PORT_COUNT = 2768;

function ipString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function usedAddresses(api: ClusterApi): { ips: Set<string>; ports: Set<number> } {
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const svc of api.list("v1", "Service")) {
    const spec = asObj(svc.spec);
    for (const ip of [spec.clusterIP, ...(Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [])]) if (typeof ip === "string") ips.add(ip);
    for (const p of asArray(spec.ports)) if (typeof p.nodePort === "number") ports.add(p.nodePort);
  }
  return { ips, ports };
}

/** 10.96.0.1 is the `kubernetes` Service's; the rest are spread by a hash of `seed`. */
export function allocateClusterIP(seed: string, used: Set<string>, name: string, namespace: string | undefined): string {
  if (name === "kubernetes" && namespace === "default" && !used.has("10.96.0.1")) return "10.96.0.1";
  for (let i = 0; i < RANGE_SIZE; i++) {
    const offset = ((fnv32a(`${seed}#${i}`) % (RANGE_SIZE - 12)) + 10) >>> 0;
    const ip = ipString((RANGE_START + offset) >>> 0);
    if (!used.has(ip)) return ip;
  }
  throw new Error("the service IP range 10.96.0.0/12 is full");
}

function allocateNodePort(seed: string, used: Set<number>): number {
  for (let i = 0; i < NODE_PORT_COUNT; i++) {
    const port = NODE_PORT_MIN + (fnv32a(`${seed}#${i}`) % NODE_PORT_COUNT);
    if (!used.has(port)) return port;
  }
  throw new Error("no free node port in 30000-32767");
}

/** The Service's spec with what is still to be allocated filled in (unchanged when nothing is). */
export function allocatedSpec(api: ClusterApi, svc: KubeObject): Obj {
  const spec = asObj(svc.spec);
  const type = typeof spec.type === "string" ? spec.type : "ClusterIP";
  if (type === "ExternalName") return spec;
  const next: Obj = { ...spec };
  const seed = `${svc.metadata.namespace ?? ""}/${svc.metadata.name ?? ""}`;
  const needsIP = typeof spec.clusterIP !== "string" || spec.clusterIP === "";
  const needsPorts = (type === "NodePort" || type === "LoadBalancer") && asArray(spec.ports).some((p) => typeof p.nodePort !== "number");
  if (!needsIP && !needsPorts && Array.isArray(spec.clusterIPs)) return spec;
  const used = usedAddresses(api);
  if (needsIP) next.clusterIP = allocateClusterIP(seed, used.ips, svc.metadata.name ?? "", svc.metadata.namespace);
  if (!Array.isArray(spec.clusterIPs)) next.clusterIPs = [next.clusterIP];
  if (next.clusterIP !== "None") {
    next.ipFamilies ??= ["IPv4"];
    next.ipFamilyPolicy ??= "SingleStack";
  }
  if (needsPorts) {
    next.ports = asArray(spec.ports).map((p, i) => {
      if (typeof p.nodePort === "number") return p;
      const port = allocateNodePort(`${seed}/${i}`, used.ports);
      used.ports.add(port);
      return { ...p, nodePort: port };
    });
  }
  return next;
}

/** Allocates addresses of new Services. */
export function serviceIpController(api: ClusterApi): Controller {
  return {
    name: "service-ips",
    primary: { apiVersion: "v1", kind: "Service" },
    watches: [self("v1", "Service")],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const svc = api.get("v1", "Service", namespace, name);
      if (!svc || svc.metadata.deletionTimestamp) return;
      writeObject(api, svc, { ...svc, spec: allocatedSpec(api, svc) }, "kube-apiserver");
    },
  };
}
