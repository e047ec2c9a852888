// The DaemonSet controller: one Pod (`<ds>-<5 chars>`, bound to its node) on every Ready node
// the template's nodeSelector and tolerations (plus the ones every daemon Pod gets) allow,
// outdated Pods replaced under RollingUpdate (all at once), Pods on nodes that no longer qualify
// removed, and the status helm --wait and kubectl rollout status read.
import type { ClusterApi } from "../types.js";
import { asArray, asObj, freshName, MANAGER, type Obj, ownedBy, selectorString, writeStatus } from "./meta.js";
import { DAEMON_TOLERATIONS, fits, listNodes, nodeIsReady } from "./nodes.js";
import { deletePod, isActive, isReady, podFromTemplate } from "./pods.js";
import { ensureRevision, podRevision } from "./revisions.js";
import { keyOf, owned, self, splitKey, type Controller } from "./runtime.js";

const APPS = "apps/v1";

function daemonSpec(templateSpec: Obj, nodeName: string): Obj {
  const own = asArray(templateSpec.tolerations);
  const extra = DAEMON_TOLERATIONS.filter((t) => !own.some((o) => o.key === t.key && o.effect === t.effect));
  const affinity = {
    ...asObj(templateSpec.affinity),
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }] },
    },
  };
  return { nodeName, affinity, tolerations: [...own, ...extra] };
}

export function daemonSetController(api: ClusterApi): Controller {
  return {
    name: "daemonset",
    primary: { apiVersion: APPS, kind: "DaemonSet" },
    watches: [self(APPS, "DaemonSet"), owned("v1", "Pod", "DaemonSet"), { apiVersion: "v1", kind: "Node", keys: () => api.list(APPS, "DaemonSet").map(keyOf) }],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const ds = api.get(APPS, "DaemonSet", namespace, name);
      if (!ds || ds.metadata.deletionTimestamp) return;
      const spec = asObj(ds.spec);
      const template = asObj(spec.template);
      const templateSpec = asObj(template.spec);
      const rolling = asObj(spec.updateStrategy).type !== "OnDelete";
      const { hash } = ensureRevision(api, ds);
      const selector = selectorString(spec.selector);
      const pods = () => ownedBy(api, "v1", "Pod", ds, selector).filter(isActive);
      const withDaemonTolerations = { ...templateSpec, tolerations: [...asArray(templateSpec.tolerations), ...DAEMON_TOLERATIONS] };
      const eligible = listNodes(api).filter((n) => nodeIsReady(n) && fits(n, withDaemonTolerations));
      const wanted = new Set(eligible.map((n) => n.metadata.name ?? ""));

      const seen = new Set<string>();
      for (const pod of pods()) {
        const node = String(asObj(pod.spec).nodeName ?? "");
        const outdated = rolling && podRevision(pod) !== hash;
        if (!wanted.has(node) || seen.has(node) || outdated) deletePod(api, pod);
        else seen.add(node);
      }
      const taken = new Set(api.list("v1", "Pod", namespace).map((p) => p.metadata.name));
      for (const node of eligible) {
        const nodeName = node.metadata.name ?? "";
        if (seen.has(nodeName)) continue;
        const podName = freshName(`${name}-`, `${ds.metadata.uid ?? name}/${nodeName}`, (n) => taken.has(n));
        taken.add(podName);
        const labels = { "controller-revision-hash": hash, "pod-template-generation": String(ds.metadata.generation ?? 1) };
        api.create(podFromTemplate(ds, template, { name: podName, labels, spec: daemonSpec(templateSpec, nodeName) }), MANAGER);
      }

      const current = pods().filter((p) => wanted.has(String(asObj(p.spec).nodeName ?? "")));
      const ready = current.filter(isReady).length;
      const updated = current.filter((p) => podRevision(p) === hash).length;
      const desired = eligible.length;
      const status: Obj = {
        currentNumberScheduled: current.length,
        desiredNumberScheduled: desired,
        numberMisscheduled: 0,
        numberReady: ready,
        observedGeneration: ds.metadata.generation ?? 1,
        ...(updated > 0 ? { updatedNumberScheduled: updated } : {}),
        ...(ready > 0 ? { numberAvailable: ready } : {}),
        ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
      };
      writeStatus(api, ds, status);
    },
  };
}

