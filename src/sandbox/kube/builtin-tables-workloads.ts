// Tables of apps/v1 and batch/v1 as the apiserver's printers answer them: READY as ready/desired,
// UP-TO-DATE, AVAILABLE, Job STATUS/COMPLETIONS/DURATION, CronJob SCHEDULE...; wide adds
// CONTAINERS, IMAGES and SELECTOR.
import { humanDuration } from "./table.js";
import { AGE, ageOf, CONTAINERS, col, containerCells, created, formatLabels, formatSelector, hasCondition, IMAGES, n, NAME, name, o, s } from "./builtin-tables-format.js";
import type { KubeObject, TableSpec } from "./types.js";

const SELECTOR = (what: string) => col("Selector", "string", `A label query over pods that should match the ${what}.`, true);
const templateOf = (obj: KubeObject) => o(o(obj.spec).template);
const podSpecOf = (obj: KubeObject) => o(templateOf(obj).spec);

const deployments: TableSpec = {
  columns: [
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
    col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR("replica count"),
  ],
  cells: (d, now) => {
    const status = o(d.status);
    return [name(d), `${n(status.readyReplicas)}/${n(o(d.spec).replicas, 1)}`, n(status.updatedReplicas), n(status.availableReplicas), created(d, now), ...containerCells(podSpecOf(d)), formatSelector(o(d.spec).selector, "")];
  },
};

const replicaSets: TableSpec = {
  columns: [
    NAME,
    col("Desired", "integer", "Replicas is the number of desired replicas."),
    col("Current", "integer", "Replicas is the most recently observed number of replicas."),
    col("Ready", "integer", "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition."),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR("replica count"),
  ],
  cells: (rs, now) => {
    const status = o(rs.status);
    return [name(rs), n(o(rs.spec).replicas, 1), n(status.replicas), n(status.readyReplicas), created(rs, now), ...containerCells(podSpecOf(rs)), formatSelector(o(rs.spec).selector)];
  },
};

const statefulSets: TableSpec = {
  columns: [NAME, col("Ready", "string", "Number of the pod with ready state"), AGE, CONTAINERS, IMAGES],
  cells: (sts, now) => [name(sts), `${n(o(sts.status).readyReplicas)}/${n(o(sts.spec).replicas, 1)}`, created(sts, now), ...containerCells(podSpecOf(sts))],
};

const daemonSets: TableSpec = {
  columns: [
    NAME,
    col("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
    col("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
    col("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
    col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
    col("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
    col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR("daemon set"),
  ],
  cells: (ds, now) => {
    const st = o(ds.status);
    return [name(ds), n(st.desiredNumberScheduled), n(st.currentNumberScheduled), n(st.numberReady), n(st.updatedNumberScheduled), n(st.numberAvailable), formatLabels(podSpecOf(ds).nodeSelector), created(ds, now), ...containerCells(podSpecOf(ds)), formatSelector(o(ds.spec).selector)];
  },
};

function jobStatus(job: KubeObject): string {
  if (hasCondition(job, "Complete")) return "Complete";
  if (hasCondition(job, "Failed")) return "Failed";
  if (job.metadata.deletionTimestamp) return "Terminating";
  if (hasCondition(job, "Suspended")) return "Suspended";
  if (hasCondition(job, "FailureTarget")) return "FailureTarget";
  return "Running";
}

const jobs: TableSpec = {
  columns: [
    NAME,
    col("Status", "string", "Status of the job."),
    col("Completions", "string", "The number of pods which reached phase Succeeded."),
    col("Duration", "string", "Time required to complete the job."),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR("pod count"),
  ],
  cells: (job, now) => {
    const spec = o(job.spec);
    const status = o(job.status);
    const succeeded = n(status.succeeded);
    const parallelism = n(spec.parallelism, 1);
    const completions = typeof spec.completions === "number" ? `${succeeded}/${spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    const start = typeof status.startTime === "string" ? Date.parse(status.startTime) : undefined;
    const end = typeof status.completionTime === "string" ? Date.parse(status.completionTime) : now.getTime();
    const duration = start === undefined ? "" : humanDuration(end - start);
    return [name(job), jobStatus(job), completions, duration, created(job, now), ...containerCells(podSpecOf(job)), formatSelector(spec.selector)];
  },
};

const cronJobs: TableSpec = {
  columns: [
    NAME,
    col("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    col("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
    col("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
    col("Active", "integer", "A list of pointers to currently running jobs."),
    col("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR("pod count"),
  ],
  cells: (cj, now) => {
    const spec = o(cj.spec);
    const status = o(cj.status);
    const jobSpec = o(o(spec.jobTemplate).spec);
    const suspend = typeof spec.suspend === "boolean" ? (spec.suspend ? "True" : "False") : "<unset>";
    const last = status.lastScheduleTime ? ageOf(status.lastScheduleTime, now) : "<none>";
    const active = Array.isArray(status.active) ? status.active.length : 0;
    return [name(cj), s(spec.schedule), s(spec.timeZone) || "<none>", suspend, active, last, created(cj, now), ...containerCells(o(o(jobSpec.template).spec)), formatSelector(jobSpec.selector)];
  },
};

const controllerRevisions: TableSpec = {
  columns: [NAME, col("Controller", "string", "Controller of the object"), col("Revision", "string", "Revision indicates the revision of the state represented by Data."), AGE],
  cells: (cr, now) => {
    const ref = (cr.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    const group = ref ? ref.apiVersion.split("/").slice(0, -1).join("/") : "";
    const owner = ref ? `${ref.kind.toLowerCase()}${group ? `.${group}` : ""}/${ref.name}` : "<none>";
    return [name(cr), owner, n(cr.revision), created(cr, now)];
  },
};

export const WORKLOAD_TABLES: Record<string, TableSpec> = {
  "apps/Deployment": deployments,
  "apps/ReplicaSet": replicaSets,
  "apps/StatefulSet": statefulSets,
  "apps/DaemonSet": daemonSets,
  "apps/ControllerRevision": controllerRevisions,
  "batch/Job": jobs,
  "batch/CronJob": cronJobs,
};
