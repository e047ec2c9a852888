// The defaults the real apiserver fills into built-in workloads before it stores them
// (k8s.io/kubernetes pkg/apis/{apps,batch,core}/v1/defaults.go), for the write path to apply on
// create and update. Clients dereference them without checking: helm's ready check reads
// *spec.replicas of a Deployment and *spec.backoffLimit of a Job, kubectl rollout status refuses a
// StatefulSet or DaemonSet whose updateStrategy.type is not RollingUpdate. Pure: returns a copy.
import type { KubeObject } from "../types.js";

type Obj = Record<string, unknown>;

function o(value: unknown): Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(o) : [];
}

/** imagePullPolicy: Always for `:latest` or no tag, IfNotPresent otherwise (digests included). */
function pullPolicy(image: unknown): string {
  const name = typeof image === "string" ? image : "";
  if (name.includes("@")) return "IfNotPresent";
  const last = name.split("/").pop() ?? "";
  const tag = last.includes(":") ? last.slice(last.indexOf(":") + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function container(c: Obj): Obj {
  return {
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: pullPolicy(c.image),
    resources: {},
    ...c,
    ...(Array.isArray(c.ports) ? { ports: list(c.ports).map((p) => ({ protocol: "TCP", ...p })) } : {}),
  };
}

/** SetDefaults_PodSpec and its containers'. */
export function podSpecDefaults(spec: unknown): Obj {
  const s = o(spec);
  return {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    securityContext: {},
    schedulerName: "default-scheduler",
    enableServiceLinks: true,
    ...s,
    containers: list(s.containers).map(container),
    ...(Array.isArray(s.initContainers) ? { initContainers: list(s.initContainers).map(container) } : {}),
  };
}

function template(t: unknown): Obj {
  const tpl = o(t);
  return { ...tpl, metadata: { ...o(tpl.metadata) }, spec: podSpecDefaults(tpl.spec) };
}

function deployment(spec: Obj): Obj {
  const strategy = o(spec.strategy);
  const type = typeof strategy.type === "string" ? strategy.type : "RollingUpdate";
  const rolling = type === "RollingUpdate" ? { rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%", ...o(strategy.rollingUpdate) } } : {};
  return { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...spec, strategy: { ...strategy, type, ...rolling }, template: template(spec.template) };
}

function statefulSet(spec: Obj): Obj {
  const strategy = o(spec.updateStrategy);
  const type = typeof strategy.type === "string" ? strategy.type : "RollingUpdate";
  const rolling = type === "RollingUpdate" ? { rollingUpdate: { partition: 0, ...o(strategy.rollingUpdate) } } : {};
  return {
    replicas: 1,
    podManagementPolicy: "OrderedReady",
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain", ...o(spec.persistentVolumeClaimRetentionPolicy) },
    ...spec,
    updateStrategy: { ...strategy, type, ...rolling },
    template: template(spec.template),
    ...(Array.isArray(spec.volumeClaimTemplates)
      ? { volumeClaimTemplates: list(spec.volumeClaimTemplates).map((c) => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", ...c, spec: { volumeMode: "Filesystem", ...o(c.spec) }, status: { phase: "Pending", ...o(c.status) } })) }
      : {}),
  };
}

function daemonSet(spec: Obj): Obj {
  const strategy = o(spec.updateStrategy);
  const type = typeof strategy.type === "string" ? strategy.type : "RollingUpdate";
  const rolling = type === "RollingUpdate" ? { rollingUpdate: { maxUnavailable: 1, maxSurge: 0, ...o(strategy.rollingUpdate) } } : {};
  return { revisionHistoryLimit: 10, ...spec, updateStrategy: { ...strategy, type, ...rolling }, template: template(spec.template) };
}

function job(spec: Obj): Obj {
  const counts = spec.completions === undefined && spec.parallelism === undefined ? { completions: 1, parallelism: 1 } : { parallelism: 1 };
  return { ...counts, backoffLimit: 6, completionMode: "NonIndexed", suspend: false, manualSelector: undefined, podReplacementPolicy: "TerminatingOrFailed", ...spec, template: template(spec.template) };
}

function cronJob(spec: Obj): Obj {
  const jt = o(spec.jobTemplate);
  return { concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, ...spec, jobTemplate: { ...jt, spec: job(o(jt.spec)) } };
}

function service(spec: Obj): Obj {
  const type = typeof spec.type === "string" ? spec.type : "ClusterIP";
  const ports = list(spec.ports).map((p) => ({ protocol: "TCP", targetPort: p.port, ...p }));
  if (type === "ExternalName") return { sessionAffinity: "None", ...spec, type };
  const external = type === "NodePort" || type === "LoadBalancer" ? { externalTrafficPolicy: "Cluster" } : {};
  return { sessionAffinity: "None", internalTrafficPolicy: "Cluster", ...external, ...spec, type, ...(Array.isArray(spec.ports) ? { ports } : {}) };
}

const BY_KIND: Record<string, (spec: Obj) => Obj> = {
  "apps/v1|Deployment": deployment,
  "apps/v1|ReplicaSet": (spec) => ({ replicas: 1, ...spec, template: template(spec.template) }),
  "apps/v1|StatefulSet": statefulSet,
  "apps/v1|DaemonSet": daemonSet,
  "batch/v1|Job": job,
  "batch/v1|CronJob": cronJob,
  "v1|Service": service,
  "v1|Pod": podSpecDefaults,
  "v1|PersistentVolumeClaim": (spec) => ({ volumeMode: "Filesystem", ...spec }),
};

/**
 * `obj` with the apiserver's defaults of its kind filled in where a field is absent (present
 * fields are kept as given). Kinds it does not cover come back unchanged. Besides spec: a
 * Secret's type is Opaque.
 */
export function builtinDefaults(obj: KubeObject): KubeObject {
  if (obj.apiVersion === "v1" && obj.kind === "Secret") return obj.type === undefined ? { ...obj, type: "Opaque" } : obj;
  const fill = BY_KIND[`${obj.apiVersion}|${obj.kind}`];
  if (!fill) return obj;
  const spec = fill(structuredClone(o(obj.spec)));
  for (const [k, v] of Object.entries(spec)) if (v === undefined) delete spec[k];
  return { ...obj, spec };
}
