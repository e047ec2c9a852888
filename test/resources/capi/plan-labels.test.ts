// capi_cluster's plan lines name a change by the object it is in, and the path stays the one
// lifecycle.ignoreChanges matches.
import { describe, expect, it } from "vitest";
import { diffValues } from "../../../src/engine/diff.js";
import { labelObjectChanges } from "../../../src/resources/capi/plan-labels.js";
import { changeLines } from "../../../src/ui/plan-changes.js";
import { lineText } from "../../../src/ui/styled-lines.js";

const tcp = (replicas: number) => ({ apiVersion: "controlplane.cluster.x-k8s.io/v1alpha3", kind: "TalosControlPlane", metadata: { name: "k8s-control-plane" }, spec: { replicas } });
const cluster = { apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Cluster", metadata: { name: "k8s" }, spec: {} };

describe("capi_cluster plan labels", () => {
  it("names the object a change is in, keeps the path, and leaves other paths alone", () => {
    const before = { expectedNodes: 3, objects: [cluster, tcp(3)] };
    const after = { expectedNodes: 5, objects: [cluster, tcp(5)] };
    const changes = labelObjectChanges(diffValues(before, after), before.objects, after.objects);
    expect(changes.map((c) => [c.path, c.label])).toEqual([
      ["expectedNodes", undefined],
      ["objects.1.spec.replicas", "TalosControlPlane/k8s-control-plane spec.replicas"],
    ]);
    expect(changes.flatMap((c) => changeLines(c, "  ")).map(lineText)).toEqual(["  expectedNodes: 3 → 5", "  TalosControlPlane/k8s-control-plane spec.replicas: 3 → 5"]);
  });

  it("names a whole object added at the end from the side that has it", () => {
    const before = { objects: [cluster] };
    const after = { objects: [cluster, tcp(3)] };
    // Lists of different lengths change as a whole: no object to name.
    expect(labelObjectChanges(diffValues(before, after), before.objects, after.objects).map((c) => c.label)).toEqual([undefined]);
    expect(labelObjectChanges([{ path: "objects.1", before: undefined, after: tcp(3), forcesReplacement: false }], before.objects, after.objects)[0]?.label).toBe("TalosControlPlane/k8s-control-plane");
  });
});
