// The Pod table's READY, STATUS and RESTARTS cells for the states the kubelet reports, as the
// apiserver's printPod words them. Table of named cases over the pure TableSpec.
import { describe, expect, it } from "vitest";
import { builtinTable } from "../../../src/sandbox/kube/builtin-tables.js";
import type { KubeObject } from "../../../src/sandbox/kube/types.js";

const NOW = new Date("2026-01-01T00:10:00Z");
const table = builtinTable("", "Pod");

function pod(status: Record<string, unknown>, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", creationTimestamp: "2026-01-01T00:00:00Z", ...meta }, spec: { containers: [{ name: "a" }, { name: "b" }], ...spec }, status };
}
const running = { running: { startedAt: "2026-01-01T00:00:01Z" } };
const ready = (name: string, extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, state: running, ...extra });

const cases: { name: string; pod: KubeObject; cells: [string, string, string] }[] = [
  { name: "all containers running and ready", pod: pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [ready("a"), ready("b")] }), cells: ["2/2", "Running", "0"] },
  { name: "pending with no statuses", pod: pod({ phase: "Pending" }), cells: ["0/2", "Pending", "0"] },
  {
    name: "a waiting container gives its reason, restarts with the last one's age",
    pod: pod({ phase: "Running", containerStatuses: [ready("a"), { name: "b", ready: false, restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1, finishedAt: "2026-01-01T00:05:00Z" } } }] }),
    cells: ["1/2", "CrashLoopBackOff", "3 (5m ago)"],
  },
  {
    name: "an init container still running",
    pod: pod({ phase: "Pending", initContainerStatuses: [{ name: "init", ready: false, restartCount: 0, state: running }], containerStatuses: [] }, { initContainers: [{ name: "init" }] }),
    cells: ["0/2", "Init:0/1", "0"],
  },
  {
    name: "a finished Job pod",
    pod: pod({ phase: "Succeeded", containerStatuses: [{ name: "a", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }] }, { containers: [{ name: "a" }] }),
    cells: ["0/1", "Completed", "0"],
  },
  { name: "being deleted", pod: pod({ phase: "Running", containerStatuses: [ready("a"), ready("b")] }, {}, { deletionTimestamp: "2026-01-01T00:09:00Z" }), cells: ["2/2", "Terminating", "0"] },
  {
    name: "a terminated container without a reason shows its exit code",
    pod: pod({ phase: "Running", containerStatuses: [ready("a"), { name: "b", ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } }] }),
    cells: ["1/2", "ExitCode:137", "0"],
  },
];

describe("the Pod table", () => {
  it("has kubectl's columns, the wide ones at priority 1", () => {
    expect(table?.columns.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0], ["Ready", 0], ["Status", 0], ["Restarts", 0], ["Age", 0], ["IP", 1], ["Node", 1], ["Nominated Node", 1], ["Readiness Gates", 1],
    ]);
  });
  for (const c of cases) {
    it(c.name, () => {
      const cells = table?.cells(c.pod, NOW) ?? [];
      expect(cells.slice(1, 4)).toEqual(c.cells);
      expect(cells[4]).toBe("10m");
    });
  }
});
