// The control plane's machine template is compared by its spec, not its name: a cluster whose
// template an older hk named k8s-control-plane plans no change until the spec changes, and then
// the plan shows the new name, the new spec and the TalosControlPlane following it.
import { describe, expect, it } from "vitest";
import { clusterConfigSchema, type ClusterConfigInput } from "../../../src/config/schema.js";
import { capiClusterType, type CapiClusterInputs } from "../../../src/resources/capi/cluster-type.js";
import { controlPlaneTemplate, renameControlPlaneTemplate, workloadClusterObjects } from "../../../src/resources/capi/manifests.js";
import { workerPoolObjects } from "../../../src/resources/capi/workers.js";

const IMAGE = "talos-amd64-v1.12.2";
const pool = { name: "w", serverType: "cx33", replicas: 2 };

function inputs(config: ClusterConfigInput = {}): CapiClusterInputs {
  const c = clusterConfigSchema.parse({ workers: [pool], ...config });
  return {
    name: "k8s",
    namespace: "default",
    kubeconfigPath: "/x/k8s.kubeconfig",
    talosconfigPath: "/x/k8s.talosconfig",
    bootstrapKubeconfig: "/x/kind.kubeconfig",
    objects: [...workloadClusterObjects(c, IMAGE), ...workerPoolObjects(c, IMAGE)],
    hcloudToken: "t",
    expectedNodes: 5,
    ccmNetwork: "k8s",
    teardown: "cluster-api",
    localFiles: "present",
    timeouts: { initializedSeconds: 1, readySeconds: 1, deletedSeconds: 1 },
    shape: {},
  } as unknown as CapiClusterInputs;
}

/** The same inputs as an older hk declared them: the control plane's template named k8s-control-plane. */
const legacy = (i: CapiClusterInputs) => ({ ...i, objects: renameControlPlaneTemplate(i.objects, "k8s-control-plane") }) as CapiClusterInputs;
const diff = capiClusterType().diff!;

describe("the control plane's template, compared by its spec", () => {
  it("renames the template and the TalosControlPlane's reference together, and nothing else", () => {
    const before = inputs().objects;
    const after = renameControlPlaneTemplate(before, "k8s-control-plane");
    expect(controlPlaneTemplate(after)?.name).toBe("k8s-control-plane");
    expect(after.filter((o) => o.kind === "HCloudMachineTemplate").map((o) => o.metadata.name)).toEqual(["k8s-control-plane", expect.stringMatching(/^k8s-w-[0-9a-f]{10}$/)]);
    expect(after.filter((o, n) => o !== before[n]).map((o) => o.kind)).toEqual(["HCloudMachineTemplate", "TalosControlPlane"]);
  });

  it("an older hk's name with the same spec is no change", () => {
    expect(diff(legacy(inputs()), inputs())).toEqual([]);
  });

  it("a new spec shows the new name, the spec and the reference", () => {
    const paths = diff(legacy(inputs()), inputs({ controlPlane: { serverType: "cx43" } })).map((c) => [c.path, c.before, c.after]);
    expect(paths).toEqual([
      ["objects.2.metadata.name", "k8s-control-plane", expect.stringMatching(/^k8s-control-plane-[0-9a-f]{10}$/)],
      ["objects.2.spec.template.spec.type", "cx33", "cx43"],
      ["objects.3.spec.infrastructureTemplate.name", "k8s-control-plane", expect.stringMatching(/^k8s-control-plane-[0-9a-f]{10}$/)],
    ]);
  });

  it("a change elsewhere is seen as usual, without the rename", () => {
    const changes = diff(legacy(inputs()), inputs({ controlPlane: { replicas: 5 } })).map((c) => c.path);
    expect(changes).toEqual(["objects.3.spec.replicas"]);
  });
});
