// The object graph `clusterctl move` moves: every Cluster, what it owns (through ownerReferences,
// transitively), its well-known secrets (owner-less `<cluster>-kubeconfig` and friends) and
// anything labelled clusterctl.cluster.x-k8s.io/move; grouped so owners come before what they own.
import type { Obj } from "./components.js";

export interface Graph {
  objects: Obj[];
  clusters: Obj[];
  /** Creation order: each group's owners are in earlier groups. */
  groups: Obj[][];
}

const CLUSTER_SECRETS = ["kubeconfig", "ca", "etcd", "sa", "proxy", "apiserver-etcd-client"];
const MOVE_LABELS = ["clusterctl.cluster.x-k8s.io/move", "clusterctl.cluster.x-k8s.io/move-hierarchy"];

type Owned = Obj & { metadata: Obj["metadata"] & { uid?: string; ownerReferences?: { uid: string }[] } };

function isRoot(o: Owned, clusterNames: Set<string>): boolean {
  if (o.kind === "Cluster" || o.kind === "ClusterClass" || o.kind === "ClusterResourceSet") return true;
  if (MOVE_LABELS.some((l) => o.metadata.labels?.[l] !== undefined)) return true;
  if (o.kind === "Secret" && (o.metadata.ownerReferences ?? []).length === 0) {
    return [...clusterNames].some((c) => CLUSTER_SECRETS.some((s) => o.metadata.name === `${c}-${s}`));
  }
  return false;
}

export function discover(all: Obj[], namespace: string | undefined): Graph {
  const objs = (all as Owned[]).filter((o) => namespace === undefined || (o.metadata.namespace ?? "default") === namespace);
  const clusterNames = new Set(objs.filter((o) => o.kind === "Cluster").map((o) => o.metadata.name));
  const depth = new Map<Owned, number>();
  for (const o of objs) if (isRoot(o, clusterNames)) depth.set(o, 0);
  const byUid = new Map(objs.filter((o) => o.metadata.uid).map((o) => [String(o.metadata.uid), o]));
  // Add owned objects until nothing changes; an object sits one group below its deepest moved owner.
  for (let changed = true, rounds = 0; changed && rounds <= objs.length; rounds++) {
    changed = false;
    for (const o of objs) {
      const owners = (o.metadata.ownerReferences ?? []).map((r) => byUid.get(r.uid)).filter((x): x is Owned => x !== undefined && depth.has(x));
      if (owners.length === 0) continue;
      const d = Math.max(...owners.map((x) => depth.get(x) ?? 0)) + 1;
      if ((depth.get(o) ?? -1) < d && !isRoot(o, clusterNames)) {
        depth.set(o, d);
        changed = true;
      }
    }
  }
  const moved = objs.filter((o) => depth.has(o));
  const groups: Obj[][] = [];
  for (const o of moved) (groups[depth.get(o) ?? 0] ??= []).push(o);
  return { objects: moved, clusters: moved.filter((o) => o.kind === "Cluster"), groups: groups.filter((g) => g.length > 0) };
}

/** Semver order of two `vX.Y.Z` strings. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(".").map(Number);
  const pb = b.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
