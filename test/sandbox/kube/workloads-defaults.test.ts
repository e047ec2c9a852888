// builtinDefaults: the apiserver's defaults of built-in workloads, the fields helm's ready check
// and kubectl rollout status dereference. Table of named cases; given fields always win.
import { describe, expect, it } from "vitest";
import { builtinDefaults } from "../../../src/sandbox/kube/controllers/defaults.js";
import type { KubeObject } from "../../../src/sandbox/kube/types.js";

const tpl = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } };
const obj = (apiVersion: string, kind: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion, kind, metadata: { name: "x" }, spec });

const cases: { name: string; input: KubeObject; expected: Record<string, unknown> }[] = [
  {
    name: "Deployment: replicas, RollingUpdate 25%/25%, history and deadline",
    input: obj("apps/v1", "Deployment", { selector: { matchLabels: { app: "x" } }, template: tpl }),
    expected: { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } } },
  },
  {
    name: "Deployment: Recreate gets no rollingUpdate, given replicas stay",
    input: obj("apps/v1", "Deployment", { replicas: 0, strategy: { type: "Recreate" }, template: tpl }),
    expected: { replicas: 0, strategy: { type: "Recreate" } },
  },
  {
    name: "StatefulSet: RollingUpdate with partition 0, OrderedReady",
    input: obj("apps/v1", "StatefulSet", { template: tpl }),
    expected: { replicas: 1, podManagementPolicy: "OrderedReady", updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } } },
  },
  {
    name: "DaemonSet: RollingUpdate maxUnavailable 1, maxSurge 0",
    input: obj("apps/v1", "DaemonSet", { template: tpl }),
    expected: { revisionHistoryLimit: 10, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } },
  },
  {
    name: "Job: completions and parallelism 1, backoffLimit 6",
    input: obj("batch/v1", "Job", { template: tpl }),
    expected: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false },
  },
  {
    name: "Job: parallelism alone leaves completions unset",
    input: obj("batch/v1", "Job", { parallelism: 3, template: tpl }),
    expected: { parallelism: 3, backoffLimit: 6 },
  },
  {
    name: "Service: ClusterIP, TCP, targetPort = port",
    input: obj("v1", "Service", { ports: [{ port: 80 }] }),
    expected: { type: "ClusterIP", sessionAffinity: "None", internalTrafficPolicy: "Cluster", ports: [{ protocol: "TCP", targetPort: 80, port: 80 }] },
  },
];

describe("builtinDefaults", () => {
  for (const c of cases) {
    it(c.name, () => {
      const out = builtinDefaults(c.input);
      expect(out.spec).toMatchObject(c.expected);
      if (c.input.kind === "Job" && (c.input.spec as { parallelism?: number }).parallelism === 3) expect(out.spec).not.toHaveProperty("completions");
      if (c.input.kind === "Deployment" && (c.input.spec as { strategy?: unknown }).strategy) expect((out.spec as { strategy: object }).strategy).not.toHaveProperty("rollingUpdate");
    });
  }

  it("defaults pod templates: restartPolicy, dnsPolicy, pull policy by tag, port protocol", () => {
    const out = builtinDefaults(obj("apps/v1", "Deployment", { template: { ...tpl, spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } } }));
    const spec = (out.spec as { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } }).template.spec;
    expect(spec).toMatchObject({ restartPolicy: "Always", dnsPolicy: "ClusterFirst", schedulerName: "default-scheduler", terminationGracePeriodSeconds: 30 });
    expect(spec.containers[0]).toMatchObject({ imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log" });
    expect(spec.containers[1]).toMatchObject({ imagePullPolicy: "IfNotPresent", ports: [{ containerPort: 80, protocol: "TCP" }] });
  });

  it("leaves other kinds alone and gives a Secret type Opaque", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" } };
    expect(builtinDefaults(cm)).toBe(cm);
    expect(builtinDefaults({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } }).type).toBe("Opaque");
  });
});
