// ControllerRevisions of StatefulSets and DaemonSets: one per pod template, named
// `<owner>-<hash>`, numbered, owned by its set. Their names are the sets' currentRevision and
// updateRevision and their pods' controller-revision-hash label; `kubectl rollout history` reads them.
import type { ClusterApi, KubeObject } from "../types.js";
import { asObj, controllerRef, isControlledBy, MANAGER, num, templateHash } from "./meta.js";

export interface Revision {
  /** `<owner>-<hash>`: the value of controller-revision-hash and of update/currentRevision. */
  name: string;
  /** The bare hash: a DaemonSet pod's controller-revision-hash label. */
  hash: string;
  revision: number;
}

/** The revision of `owner`'s current template, made (with the next number) if it is new. */
export function ensureRevision(api: ClusterApi, owner: KubeObject): Revision {
  const spec = asObj(owner.spec);
  const hash = templateHash(spec.template);
  const name = `${owner.metadata.name ?? ""}-${hash}`;
  const namespace = owner.metadata.namespace;
  const served = api.kindFor("apps/v1", "ControllerRevision") !== undefined;
  if (!served) return { name, hash, revision: 1 };
  const existing = api.get("apps/v1", "ControllerRevision", namespace, name);
  if (existing) return { name, hash, revision: num(existing.revision, 1) };
  const mine = api.list("apps/v1", "ControllerRevision", namespace).filter((r) => isControlledBy(r, owner));
  const revision = Math.max(0, ...mine.map((r) => num(r.revision, 0))) + 1;
  const labels = { ...(asObj(asObj(spec.template).metadata).labels as Record<string, string> | undefined), "controller.kubernetes.io/hash": hash };
  api.create(
    {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: { name, namespace: namespace ?? "default", labels, ownerReferences: [controllerRef(owner)] },
      data: { spec: { template: { ...asObj(spec.template), $patch: "replace" } } },
      revision,
    },
    MANAGER,
  );
  return { name, hash, revision };
}

/** What a pod's controller-revision-hash label says it was made from. */
export function podRevision(pod: KubeObject): string | undefined {
  return pod.metadata.labels?.["controller-revision-hash"];
}
