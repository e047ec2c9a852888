// The simulated CAAPH's two controllers. A HelmChartProxy gets a HelmReleaseProxy per Cluster its
// clusterSelector matches; a HelmReleaseProxy installs its chart into that Cluster's workload
// cluster (reached through the `<cluster>-kubeconfig` Secret) once the control plane is
// initialized, upgrades it when the version or values change, and uninstalls it on delete.
import { asObj, labelsMatch, str, writeObject, writeStatus } from "../../kube/controllers/meta.js";
import type { KubeObject } from "../../kube/types.js";
import { clean, notOk, ok, specOf, statusOf, withConditions, withFinalizer, withoutFinalizer } from "../caph/objects.js";
import { CAPI, CLUSTER_NAME_LABEL, ownerRefOf } from "../core/cluster.js";
import { workloadApi } from "../core/machine.js";
import { isPaused, keyOf, mapped, ownedBy, self, splitKey, type AsyncController } from "../runtime.js";
import type { ProviderContext } from "../types.js";
import { install, uninstall, type Release } from "./charts.js";

export const CAAPH = "addons.cluster.x-k8s.io/v1alpha1";
const MANAGER = "caaph-controller-manager";
const PROXY_LABEL = "helmchartproxy.addons.cluster.x-k8s.io/name";
const FINALIZER = "helmreleaseproxy.addons.cluster.x-k8s.io";
const STARTED = "addons.cluster.x-k8s.io/install-started";
/** What was installed last (version and values): the sandbox keeps it on the object, not in status. */
const INSTALLED = "addons.cluster.x-k8s.io/installed";

export function chartProxyController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;
  return {
    name: "caaph/helmchartproxy",
    primary: { apiVersion: CAAPH, kind: "HelmChartProxy" },
    watches: [self(CAAPH, "HelmChartProxy"), ownedBy(CAAPH, "HelmReleaseProxy", "HelmChartProxy"), mapped(CAPI, "Cluster", (c) => api.list(CAAPH, "HelmChartProxy", c.metadata.namespace).map(keyOf))],
    async reconcile(key) {
      const { namespace, name } = splitKey(key);
      const proxy = api.get(CAAPH, "HelmChartProxy", namespace, name);
      if (!proxy || proxy.metadata.deletionTimestamp) return;
      const spec = specOf(proxy);
      const selector = asObj(asObj(spec.clusterSelector).matchLabels);
      const matching = api.list(CAPI, "Cluster", namespace).filter((c) => !c.metadata.deletionTimestamp && labelsMatch(selector, c.metadata.labels));
      const want = new Set<string>();
      for (const cluster of matching) {
        if (isPaused(api, cluster)) continue;
        const cname = cluster.metadata.name ?? "";
        const hrpName = `${name}-${cname}`;
        want.add(hrpName);
        const body: KubeObject = {
          apiVersion: CAAPH,
          kind: "HelmReleaseProxy",
          metadata: { name: hrpName, namespace: namespace ?? "default", labels: { [PROXY_LABEL]: name, [CLUSTER_NAME_LABEL]: cname }, ownerReferences: [ownerRefOf(proxy, true)] },
          spec: clean({ clusterRef: { apiVersion: CAPI, kind: "Cluster", name: cname, namespace }, repoURL: spec.repoURL, chartName: spec.chartName, version: spec.version, namespace: spec.namespace, releaseName: spec.releaseName, values: spec.valuesTemplate }),
        };
        const live = api.get(CAAPH, "HelmReleaseProxy", namespace, hrpName);
        if (!live) api.create(body, MANAGER);
        else writeObject(api, live, { ...live, spec: body.spec }, MANAGER);
      }
      for (const hrp of api.list(CAAPH, "HelmReleaseProxy", namespace, `${PROXY_LABEL}=${name}`)) if (!want.has(hrp.metadata.name ?? "") && !hrp.metadata.deletionTimestamp) api.delete(CAAPH, "HelmReleaseProxy", namespace, hrp.metadata.name ?? "");
      const ready = api.list(CAAPH, "HelmReleaseProxy", namespace, `${PROXY_LABEL}=${name}`).every((h) => statusOf(h).status === "deployed");
      writeStatus(api, proxy, clean({ ...statusOf(proxy), matchingClusters: matching.map((c) => ({ apiVersion: CAPI, kind: "Cluster", name: c.metadata.name, namespace })), observedGeneration: proxy.metadata.generation, conditions: withConditions(statusOf(proxy).conditions, [ready ? ok("Ready") : notOk("Ready", "HelmReleaseProxiesNotReady", "Info", "releases are being installed")]) }), MANAGER);
    },
  };
}

export function releaseProxyController(ctx: ProviderContext): AsyncController {
  const { api } = ctx;
  const releaseOf = (hrp: KubeObject, revision: number): Release => {
    const s = specOf(hrp);
    return { name: str(s.releaseName) ?? hrp.metadata.name ?? "", namespace: str(s.namespace) ?? "default", chart: str(s.chartName) ?? "", version: str(s.version) ?? "", revision, values: str(s.values) ?? "" };
  };
  return {
    name: "caaph/helmreleaseproxy",
    primary: { apiVersion: CAAPH, kind: "HelmReleaseProxy" },
    watches: [self(CAAPH, "HelmReleaseProxy"), mapped("v1", "Secret", (s) => (s.metadata.name?.endsWith("-kubeconfig") ? api.list(CAAPH, "HelmReleaseProxy", s.metadata.namespace, `${CLUSTER_NAME_LABEL}=${s.metadata.name.slice(0, -"-kubeconfig".length)}`).map(keyOf) : []))],
    async reconcile(key): Promise<{ requeueAfterMs: number } | undefined> {
      const { namespace, name } = splitKey(key);
      const hrp = api.get(CAAPH, "HelmReleaseProxy", namespace, name);
      if (!hrp || isPaused(api, hrp)) return undefined;
      const cluster = str(asObj(specOf(hrp).clusterRef).name) ?? "";
      const workload = workloadApi(ctx, namespace, cluster);
      const status = statusOf(hrp);
      if (hrp.metadata.deletionTimestamp) {
        if (workload && typeof status.revision === "number") uninstall(workload, releaseOf(hrp, status.revision));
        const next = withoutFinalizer(hrp, FINALIZER);
        if (next) api.update(next, MANAGER);
        return undefined;
      }
      const withFin = withFinalizer(hrp, FINALIZER);
      const live = withFin ? api.update(withFin, MANAGER) : hrp;
      if (!workload) {
        writeStatus(api, live, clean({ ...status, conditions: withConditions(status.conditions, [notOk("Ready", "WaitingForControlPlane", "Info", `waiting for Cluster ${cluster}'s control plane to be initialized`)]) }), MANAGER);
        return { requeueAfterMs: 200 };
      }
      const wanted = `${str(specOf(live).version) ?? ""}|${str(specOf(live).values) ?? ""}`;
      if (status.status === "deployed" && live.metadata.annotations?.[INSTALLED] === wanted) return undefined;
      // helm takes a while to install a chart and its pods to run: the timing model says how long.
      const started = Number(live.metadata.annotations?.[STARTED] ?? "0");
      if (!started) {
        api.update({ ...live, metadata: { ...live.metadata, annotations: { ...live.metadata.annotations, [STARTED]: String(Date.now()) } } }, MANAGER);
        return { requeueAfterMs: ctx.timing.ms("chartInstall") };
      }
      const left = started + ctx.timing.ms("chartInstall") - Date.now();
      if (left > 0) return { requeueAfterMs: left };
      const revision = (typeof status.revision === "number" ? status.revision : 0) + 1;
      install(workload, releaseOf(live, revision));
      const fresh = api.get(CAAPH, "HelmReleaseProxy", namespace, name) ?? live;
      const { [STARTED]: _s, ...annotations } = fresh.metadata.annotations ?? {};
      const done = api.update({ ...fresh, metadata: { ...fresh.metadata, annotations: { ...annotations, [INSTALLED]: wanted } } }, MANAGER);
      writeStatus(api, done, clean({ ...statusOf(done), status: "deployed", revision, observedGeneration: done.metadata.generation, conditions: withConditions(statusOf(done).conditions, [ok("HelmReleaseReady"), ok("Ready")]) }), MANAGER);
      ctx.log(`installed ${releaseOf(done, revision).chart} ${str(specOf(done).version) ?? ""} into ${cluster} (revision ${revision})`);
      return undefined;
    },
  };
}
