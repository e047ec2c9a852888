// The Pod table as the apiserver's printer answers it: READY counts ready containers (and started
// restartable init containers), STATUS is the kubelet's reason (Init:N/M, CrashLoopBackOff,
// Completed, Terminating...), RESTARTS with the time of the last one; wide adds IP, NODE,
// NOMINATED NODE and READINESS GATES.
import { humanDuration } from "./table.js";
import { AGE, arr, col, created, n, NAME, name, o, type Obj, s } from "./builtin-tables-format.js";
import type { KubeObject, TableSpec } from "./types.js";

function podStatusCells(pod: KubeObject, now: Date): [string, string, string] {
  const spec = o(pod.spec);
  const status = o(pod.status);
  const phase = s(status.phase);
  let reason = s(status.reason) || phase;
  if (arr(status.conditions).some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) reason = "SchedulingGated";
  const inits = arr(spec.initContainers);
  const restartable = new Set(inits.filter((c) => c.restartPolicy === "Always").map((c) => s(c.name)));
  const total = arr(spec.containers).length + restartable.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = "";
  const noteRestart = (cs: Obj) => {
    const finished = s(o(o(cs.lastState).terminated).finishedAt);
    if (finished > lastRestart) lastRestart = finished;
  };
  let initializing = false;
  for (const [i, cs] of arr(status.initContainerStatuses).entries()) {
    restarts += n(cs.restartCount);
    noteRestart(cs);
    if (restartable.has(s(cs.name))) sidecarRestarts += n(cs.restartCount);
    const term = o(o(cs.state).terminated);
    const wait = o(o(cs.state).waiting);
    if (cs.state && o(cs.state).terminated && n(term.exitCode) === 0) continue;
    if (restartable.has(s(cs.name)) && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (o(cs.state).terminated) reason = term.reason ? `Init:${s(term.reason)}` : term.signal ? `Init:Signal:${n(term.signal)}` : `Init:ExitCode:${n(term.exitCode)}`;
    else if (s(wait.reason) !== "" && wait.reason !== "PodInitializing") reason = `Init:${s(wait.reason)}`;
    else reason = `Init:${i}/${inits.length}`;
    initializing = true;
    break;
  }
  const initialized = arr(status.conditions).some((c) => c.type === "Initialized" && c.status === "True");
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    let running = false;
    for (const cs of [...arr(status.containerStatuses)].reverse()) {
      restarts += n(cs.restartCount);
      noteRestart(cs);
      const state = o(cs.state);
      const term = o(state.terminated);
      if (s(o(state.waiting).reason) !== "") reason = s(o(state.waiting).reason);
      else if (state.terminated && s(term.reason) !== "") reason = s(term.reason);
      else if (state.terminated) reason = term.signal ? `Signal:${n(term.signal)}` : `ExitCode:${n(term.exitCode)}`;
      else if (cs.ready === true && state.running) {
        running = true;
        ready++;
      }
    }
    if (reason === "Completed" && running) reason = arr(status.conditions).some((c) => c.type === "Ready" && c.status === "True") ? "Running" : "NotReady";
  }
  if (pod.metadata.deletionTimestamp && status.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";
  const restartText = restarts !== 0 && lastRestart !== "" ? `${restarts} (${humanDuration(now.getTime() - Date.parse(lastRestart))} ago)` : String(restarts);
  return [`${ready}/${total}`, reason, restartText];
}

export const POD_TABLE: TableSpec = {
  columns: [
    NAME,
    col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "string", "The aggregate status of the containers in this pod."),
    col("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
    AGE,
    col("IP", "string", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", true),
    col("Node", "string", "NodeName indicates in which node this pod is scheduled.", true),
    col("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node.", true),
    col("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", true),
  ],
  cells: (pod, now) => {
    const status = o(pod.status);
    const spec = o(pod.spec);
    const gates = arr(spec.readinessGates);
    const conds = arr(status.conditions);
    const gateText = gates.length === 0 ? "<none>" : `${gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === "True").length}/${gates.length}`;
    return [name(pod), ...podStatusCells(pod, now), created(pod, now), s(arr(status.podIPs)[0]?.ip) || "<none>", s(spec.nodeName) || "<none>", s(status.nominatedNodeName) || "<none>", gateText];
  },
};
