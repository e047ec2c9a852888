// The StatefulSet controller: Pods `<sts>-0..n-1` (hostname, subdomain, pod-name and pod-index
// labels, controller-revision-hash), a PersistentVolumeClaim per volumeClaimTemplate and ordinal,
// outdated Pods replaced under RollingUpdate (ordinals at or above the partition; all at once,
// not one by one), and the status kubectl rollout status and helm --wait read.
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, controllerRef, MANAGER, num, type Obj, ownedBy, selectorString, writeStatus } from "./meta.js";
import { deletePod, isActive, isReady, podFromTemplate } from "./pods.js";
import { ensureRevision, podRevision } from "./revisions.js";
import { owned, self, splitKey, type Controller } from "./runtime.js";

const APPS = "apps/v1";

function ordinalOf(sts: KubeObject, pod: KubeObject): number {
  const m = new RegExp(`^${(sts.metadata.name ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`).exec(pod.metadata.name ?? "");
  return m ? Number(m[1]) : -1;
}

/** The claims of ordinal `i`, made when missing; returns the volumes the Pod mounts them as. */
function ensureClaims(api: ClusterApi, sts: KubeObject, i: number): Obj[] {
  const spec = asObj(sts.spec);
  const volumes: Obj[] = [];
  const deleteWithSet = asObj(spec.persistentVolumeClaimRetentionPolicy).whenDeleted === "Delete";
  for (const tpl of asArray(spec.volumeClaimTemplates)) {
    const meta = asObj(tpl.metadata);
    const claimName = `${String(meta.name ?? "")}-${sts.metadata.name ?? ""}-${i}`;
    if (!api.get("v1", "PersistentVolumeClaim", sts.metadata.namespace, claimName)) {
      api.create(
        {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: {
            name: claimName,
            namespace: sts.metadata.namespace ?? "default",
            labels: { ...(asObj(meta.labels) as Record<string, string>), ...(asObj(asObj(spec.selector).matchLabels) as Record<string, string>) },
            ...(deleteWithSet ? { ownerReferences: [{ ...controllerRef(sts), controller: true }] } : {}),
          },
          spec: structuredClone(asObj(tpl.spec)),
        },
        MANAGER,
      );
    }
    volumes.push({ name: meta.name, persistentVolumeClaim: { claimName } });
  }
  return volumes;
}

function newPod(api: ClusterApi, sts: KubeObject, i: number, revision: string): KubeObject {
  const spec = asObj(sts.spec);
  const name = `${sts.metadata.name ?? ""}-${i}`;
  const template = asObj(spec.template);
  const claims = ensureClaims(api, sts, i);
  const claimNames = new Set(claims.map((v) => v.name));
  const volumes = [...asArray(asObj(template.spec).volumes).filter((v) => !claimNames.has(v.name)), ...claims];
  return podFromTemplate(sts, template, {
    name,
    labels: { "controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": name, "apps.kubernetes.io/pod-index": String(i) },
    spec: { hostname: name, ...(typeof spec.serviceName === "string" && spec.serviceName !== "" ? { subdomain: spec.serviceName } : {}), ...(volumes.length > 0 ? { volumes } : {}) },
  });
}

export function statefulSetController(api: ClusterApi): Controller {
  return {
    name: "statefulset",
    primary: { apiVersion: APPS, kind: "StatefulSet" },
    watches: [self(APPS, "StatefulSet"), owned("v1", "Pod", "StatefulSet")],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const sts = api.get(APPS, "StatefulSet", namespace, name);
      if (!sts || sts.metadata.deletionTimestamp) return;
      const spec = asObj(sts.spec);
      const desired = num(spec.replicas, 1);
      const strategy = asObj(spec.updateStrategy);
      const rolling = strategy.type !== "OnDelete";
      const partition = num(asObj(strategy.rollingUpdate).partition, 0);
      const update = ensureRevision(api, sts).name;
      const selector = selectorString(spec.selector);
      const pods = () => ownedBy(api, "v1", "Pod", sts, selector).filter(isActive);

      for (const pod of pods()) {
        const i = ordinalOf(sts, pod);
        const outdated = rolling && i >= partition && podRevision(pod) !== update;
        if (i < 0 || i >= desired || outdated) deletePod(api, pod);
      }
      const present = new Set(pods().map((p) => p.metadata.name));
      for (let i = 0; i < desired; i++) {
        if (!present.has(`${name}-${i}`)) api.create(newPod(api, sts, i, update), MANAGER);
      }

      const now = pods();
      const old = asObj(sts.status);
      const updated = now.filter((p) => podRevision(p) === update).length;
      const ready = now.filter(isReady).length;
      const allUpdated = updated === desired && ready === desired;
      const currentRevision = allUpdated || typeof old.currentRevision !== "string" ? update : old.currentRevision;
      const current = now.filter((p) => podRevision(p) === currentRevision).length;
      const status: Obj = {
        observedGeneration: sts.metadata.generation ?? 1,
        replicas: now.length,
        ...(ready > 0 ? { readyReplicas: ready } : {}),
        ...(current > 0 ? { currentReplicas: current } : {}),
        ...(updated > 0 ? { updatedReplicas: updated } : {}),
        currentRevision,
        updateRevision: update,
        collisionCount: 0,
        availableReplicas: ready,
      };
      writeStatus(api, sts, status);
    },
  };
}
