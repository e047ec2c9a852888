// The ReplicaSet controller: keeps spec.replicas Pods (`<rs>-<5 chars>`) of its template and
// reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and observedGeneration
// (zero counts left out, as the Go types' omitempty does). Pods are available as soon as they are
// ready: minReadySeconds is not waited for.
import type { ClusterApi, KubeObject } from "../types.js";
import { asObj, freshName, labelsMatch, MANAGER, num, ownedBy, selectorString, writeStatus, type Obj } from "./meta.js";
import { deletePod, deletionOrder, isActive, isReady, podFromTemplate } from "./pods.js";
import { owned, self, splitKey, type Controller } from "./runtime.js";

const APPS = "apps/v1";

/** replicas-style counts of `pods` for a status: replicas always, the others only when non-zero. */
export function podCounts(pods: KubeObject[], templateLabels: unknown): Obj {
  const ready = pods.filter(isReady).length;
  const labelled = pods.filter((p) => labelsMatch(templateLabels, p.metadata.labels)).length;
  return {
    replicas: pods.length,
    ...(labelled > 0 ? { fullyLabeledReplicas: labelled } : {}),
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
  };
}

export function replicaSetController(api: ClusterApi): Controller {
  return {
    name: "replicaset",
    primary: { apiVersion: APPS, kind: "ReplicaSet" },
    watches: [self(APPS, "ReplicaSet"), owned("v1", "Pod", "ReplicaSet")],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const rs = api.get(APPS, "ReplicaSet", namespace, name);
      if (!rs || rs.metadata.deletionTimestamp) return;
      const spec = asObj(rs.spec);
      const selector = selectorString(spec.selector);
      const desired = num(spec.replicas, 1);
      let pods = ownedBy(api, "v1", "Pod", rs, selector).filter(isActive);
      if (pods.length < desired) {
        const taken = new Set(api.list("v1", "Pod", namespace).map((p) => p.metadata.name));
        for (let i = pods.length; i < desired; i++) {
          const podName = freshName(`${name}-`, `${rs.metadata.uid ?? name}`, (n) => taken.has(n));
          taken.add(podName);
          api.create(podFromTemplate(rs, spec.template, { name: podName }), MANAGER);
        }
      } else if (pods.length > desired) {
        for (const pod of deletionOrder(pods).slice(0, pods.length - desired)) deletePod(api, pod);
      }
      pods = ownedBy(api, "v1", "Pod", rs, selector).filter(isActive);
      const status = { ...podCounts(pods, asObj(asObj(spec.template).metadata).labels), observedGeneration: rs.metadata.generation ?? 1 };
      writeStatus(api, rs, status);
    },
  };
}
