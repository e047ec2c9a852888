// How the plan names a change inside capi_cluster's rendered objects: by the object, as a Cluster
// API user knows it (`TalosControlPlane/k8s-control-plane spec.replicas`), not by its place in
// the list (`objects.3.spec.replicas`). Display only: the path stays what ignoreChanges matches.
import type { Change } from "../../engine/resource.js";

interface Named {
  kind?: unknown;
  metadata?: { name?: unknown };
}

const AT = /^objects\.(\d+)(?:\.(.*))?$/;

/** `changes` with a label on every path inside one object of `objects`, named from the side that has it. */
export function labelObjectChanges(changes: readonly Change[], before: readonly unknown[], after: readonly unknown[]): Change[] {
  return changes.map((c) => {
    const m = AT.exec(c.path);
    if (!m) return c;
    const i = Number(m[1]);
    const o = (after[i] ?? before[i]) as Named | undefined;
    if (typeof o?.kind !== "string" || typeof o.metadata?.name !== "string") return c;
    return { ...c, label: `${o.kind}/${o.metadata.name}${m[2] ? ` ${m[2]}` : ""}` };
  });
}
