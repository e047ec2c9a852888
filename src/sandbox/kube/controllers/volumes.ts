// The persistent-volume controller and a provisioner, as kind's local-path gives them: a claim of
// an existing StorageClass (its own, or the default one) gets a PersistentVolume `pvc-<uid>` and
// is Bound, at once under Immediate and once a Pod using it is scheduled under
// WaitForFirstConsumer (kind's `standard`). A claim without a class, or of a missing one, stays
// Pending. A released volume of reclaimPolicy Delete is deleted with its claim.
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, type Obj, str, writeObject, writeStatus } from "./meta.js";
import { keyOf, splitKey, type Controller } from "./runtime.js";

const DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

function storageClassFor(api: ClusterApi, claim: KubeObject): KubeObject | undefined {
  const requested = asObj(claim.spec).storageClassName;
  if (requested === "") return undefined;
  if (typeof requested === "string") return api.get("storage.k8s.io/v1", "StorageClass", undefined, requested);
  return api.list("storage.k8s.io/v1", "StorageClass").find((sc) => sc.metadata.annotations?.[DEFAULT_CLASS] === "true");
}

/** The node of a scheduled Pod in the claim's namespace that mounts it, if any. */
function consumerNode(api: ClusterApi, claim: KubeObject): string | undefined {
  for (const pod of api.list("v1", "Pod", claim.metadata.namespace)) {
    const spec = asObj(pod.spec);
    const mounts = asArray(spec.volumes).some((v) => asObj(v.persistentVolumeClaim).claimName === claim.metadata.name);
    if (mounts && typeof spec.nodeName === "string" && spec.nodeName !== "") return spec.nodeName;
  }
  return undefined;
}

function volumeFor(claim: KubeObject, sc: KubeObject, node: string | undefined): KubeObject {
  const spec = asObj(claim.spec);
  const uid = claim.metadata.uid ?? "";
  const storage = asObj(asObj(spec.resources).requests).storage ?? "1Gi";
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `pvc-${uid}`, annotations: { "pv.kubernetes.io/provisioned-by": String(sc.provisioner ?? "") } },
    spec: {
      accessModes: spec.accessModes ?? ["ReadWriteOnce"],
      capacity: { storage },
      claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", name: claim.metadata.name, namespace: claim.metadata.namespace, uid, resourceVersion: claim.metadata.resourceVersion },
      hostPath: { path: `/var/local-path-provisioner/pvc-${uid}_${claim.metadata.namespace ?? ""}_${claim.metadata.name ?? ""}`, type: "DirectoryOrCreate" },
      ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } } } : {}),
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
      storageClassName: sc.metadata.name,
      volumeMode: spec.volumeMode ?? "Filesystem",
    },
  };
}

function bind(api: ClusterApi, claim: KubeObject): void {
  const spec = asObj(claim.spec);
  if (asObj(claim.status).phase === "Bound" || claim.metadata.deletionTimestamp) return;
  const sc = storageClassFor(api, claim);
  if (!sc) return;
  const node = consumerNode(api, claim);
  if (sc.volumeBindingMode === "WaitForFirstConsumer" && !node) return;
  const pvName = `pvc-${claim.metadata.uid ?? ""}`;
  let pv = api.get("v1", "PersistentVolume", undefined, pvName);
  if (!pv) {
    pv = api.create(volumeFor(claim, sc, sc.volumeBindingMode === "WaitForFirstConsumer" ? node : undefined), "local-path-provisioner");
  }
  writeStatus(api, pv, { phase: "Bound" });
  const provisioner = String(sc.provisioner ?? "");
  const annotations: Record<string, string> = {
    ...claim.metadata.annotations,
    "pv.kubernetes.io/bind-completed": "yes",
    "pv.kubernetes.io/bound-by-controller": "yes",
    "volume.beta.kubernetes.io/storage-provisioner": provisioner,
    "volume.kubernetes.io/storage-provisioner": provisioner,
    ...(node && sc.volumeBindingMode === "WaitForFirstConsumer" ? { "volume.kubernetes.io/selected-node": node } : {}),
  };
  const bound = writeObject(api, claim, { ...claim, metadata: { ...claim.metadata, annotations }, spec: { ...spec, storageClassName: sc.metadata.name, volumeName: pvName } });
  const pvSpec = asObj(pv.spec);
  writeStatus(api, bound, { phase: "Bound", accessModes: pvSpec.accessModes, capacity: pvSpec.capacity });
}

/** Deletes volumes of reclaimPolicy Delete whose claim is gone. */
function reclaim(api: ClusterApi, namespace: string | undefined, name: string): void {
  for (const pv of api.list("v1", "PersistentVolume")) {
    const spec = asObj(pv.spec);
    const ref = asObj(spec.claimRef);
    if (ref.namespace !== namespace || ref.name !== name) continue;
    if (spec.persistentVolumeReclaimPolicy === "Delete") api.delete("v1", "PersistentVolume", undefined, pv.metadata.name ?? "");
    else writeStatus(api, pv, { phase: "Released" });
  }
}

export function volumeController(api: ClusterApi): Controller {
  const pending = () => api.list("v1", "PersistentVolumeClaim").filter((c) => asObj(c.status).phase !== "Bound").map(keyOf);
  const claimsOf = (pod: KubeObject) =>
    asArray(asObj(pod.spec).volumes)
      .map((v: Obj) => str(asObj(v.persistentVolumeClaim).claimName))
      .filter((n): n is string => n !== undefined)
      .map((n) => `${pod.metadata.namespace ?? ""}/${n}`);
  return {
    name: "persistentvolume",
    primary: { apiVersion: "v1", kind: "PersistentVolumeClaim" },
    watches: [
      { apiVersion: "v1", kind: "PersistentVolumeClaim", keys: (e) => [keyOf(e.object)] },
      { apiVersion: "v1", kind: "Pod", keys: (e) => (e.type === "DELETED" ? [] : claimsOf(e.object)) },
      { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", keys: pending },
    ],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const claim = api.get("v1", "PersistentVolumeClaim", namespace, name);
      if (!claim) reclaim(api, namespace, name);
      else bind(api, claim);
    },
  };
}

