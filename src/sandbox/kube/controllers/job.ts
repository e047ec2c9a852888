// The Job controller: Pods (`<job>-<5 chars>`, or `<job>-<index>-<5 chars>` when Indexed) up to
// parallelism until `completions` of them succeeded (the kubelet finishes them at once), then
// SuccessCriteriaMet and Complete conditions and completionTime, as a 1.33 controller-manager
// writes them; `kubectl wait --for=condition=complete` and `helm --wait-for-jobs` read them.
// A suspended Job keeps no Pods and says Suspended. Nothing ever fails. CronJobs are not run.
import type { ClusterApi, KubeObject } from "../types.js";
import { asArray, asObj, freshName, MANAGER, now, num, type Obj, ownedBy, selectorString, setCondition, writeStatus } from "./meta.js";
import { deletePod, isActive, isReady, podFromTemplate, podPhase } from "./pods.js";
import { owned, self, splitKey, type Controller } from "./runtime.js";

const BATCH = "batch/v1";
const INDEX = "batch.kubernetes.io/job-completion-index";

function jobLabels(job: KubeObject): Record<string, string> {
  const uid = job.metadata.uid ?? "";
  const name = job.metadata.name ?? "";
  return { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name };
}

function finished(status: Obj): boolean {
  return asArray(status.conditions).some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

/** "0-2,4": the compact form of completedIndexes. */
function compactIndexes(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] ?? 0) === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export function jobController(api: ClusterApi): Controller {
  return {
    name: "job",
    primary: { apiVersion: BATCH, kind: "Job" },
    watches: [self(BATCH, "Job"), owned("v1", "Pod", "Job")],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const job = api.get(BATCH, "Job", namespace, name);
      if (!job || job.metadata.deletionTimestamp) return;
      const old = asObj(job.status);
      if (finished(old)) return;
      const spec = asObj(job.spec);
      const selector = spec.selector ? selectorString(spec.selector) : `batch.kubernetes.io/controller-uid=${job.metadata.uid ?? ""}`;
      const indexed = spec.completionMode === "Indexed";
      const completions = num(spec.completions, 1);
      const parallelism = num(spec.parallelism, 1);
      const time = now();
      let conditions = asArray(old.conditions);
      const all = () => ownedBy(api, "v1", "Pod", job, selector);

      if (spec.suspend === true) {
        for (const pod of all().filter(isActive)) deletePod(api, pod);
        conditions = setCondition(conditions, { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended", lastProbeTime: time }, time);
        const { active: _active, ...rest } = old;
        void _active;
        writeStatus(api, job, { ...rest, ready: 0, terminating: 0, conditions, uncountedTerminatedPods: {} });
        return;
      }
      if (conditions.some((c) => c.type === "Suspended" && c.status === "True")) {
        conditions = setCondition(conditions, { type: "Suspended", status: "False", reason: "JobResumed", message: "Job resumed", lastProbeTime: time }, time);
      }

      const succeededIdx = (pods: KubeObject[]) => pods.filter((p) => podPhase(p) === "Succeeded").map((p) => Number(p.metadata.annotations?.[INDEX] ?? -1));
      let pods = all();
      const done = new Set(succeededIdx(pods));
      const succeeded = () => (indexed ? new Set(succeededIdx(all())).size : all().filter((p) => podPhase(p) === "Succeeded").length);
      const active = pods.filter(isActive);
      const remaining = completions - (indexed ? done.size : pods.filter((p) => podPhase(p) === "Succeeded").length);
      const toStart = Math.max(0, Math.min(parallelism, remaining) - active.length);
      if (toStart > 0) {
        const taken = new Set(api.list("v1", "Pod", namespace).map((p) => p.metadata.name));
        const busy = new Set(active.map((p) => Number(p.metadata.annotations?.[INDEX] ?? -1)));
        const free = Array.from({ length: completions }, (_, i) => i).filter((i) => !done.has(i) && !busy.has(i));
        for (let n = 0; n < toStart; n++) {
          const index = indexed ? free[n] : undefined;
          const prefix = index === undefined ? `${name}-` : `${name}-${index}-`;
          const podName = freshName(prefix, `${job.metadata.uid ?? name}/${n}/${pods.length}`, (x) => taken.has(x));
          taken.add(podName);
          const extra = index === undefined ? {} : { [INDEX]: String(index) };
          const tmplLabels = asObj(asObj(asObj(spec.template).metadata).labels) as Record<string, string>;
          api.create(
            podFromTemplate(job, spec.template, {
              name: podName,
              labels: { ...jobLabels(job), ...tmplLabels, ...extra },
              annotations: extra,
              ...(index === undefined ? {} : { spec: { hostname: `${name}-${index}` } }),
            }),
            MANAGER,
          );
        }
      }

      pods = all();
      const nowActive = pods.filter(isActive);
      const count = succeeded();
      const status: Obj = {
        ...(nowActive.length > 0 ? { active: nowActive.length } : {}),
        ready: nowActive.filter(isReady).length,
        ...(count > 0 ? { succeeded: count } : {}),
        terminating: 0,
        startTime: old.startTime ?? time,
        uncountedTerminatedPods: {},
        ...(indexed && count > 0 ? { completedIndexes: compactIndexes(succeededIdx(pods)) } : {}),
      };
      if (count >= completions) {
        const message = "Reached expected number of succeeded pods";
        conditions = setCondition(conditions, { type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached", message, lastProbeTime: time }, time);
        conditions = setCondition(conditions, { type: "Complete", status: "True", reason: "CompletionsReached", message, lastProbeTime: time }, time);
        status.completionTime = time;
      }
      if (conditions.length > 0) status.conditions = conditions;
      writeStatus(api, job, status);
    },
  };
}
