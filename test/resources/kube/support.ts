// kube_objects driven through the engine against one emulated API server: a harness whose applies
// take an AbortSignal (the second Ctrl-C), requests counted as the client sends them, and the
// objects of a demo set.
import { readFileSync } from "node:fs";
import { startApply, type ApplyResult } from "../../../src/engine/apply.js";
import type { ResourceDecl, Stack } from "../../../src/engine/declaration.js";
import { EventBus, type EngineEvent } from "../../../src/engine/events.js";
import { buildPlan, type PlanOutcome } from "../../../src/engine/plan-build.js";
import { registry, type AnyResourceType } from "../../../src/engine/resource.js";
import type { JsonObject } from "../../../src/engine/values.js";
import { kubeObjectsType } from "../../../src/resources/kube/index.js";
import { harness, stackOf, type Harness } from "../../support/engine-harness.js";

export interface KubeHarness extends Harness {
  types: AnyResourceType[];
  /** Requests the client sent: `GET /api/v1/configmaps?labelSelector=…`. */
  requests: string[];
  bus: EventBus;
  seen: EngineEvent[];
  run(stack: Stack, opts?: { mode?: "apply" | "destroy"; signal?: AbortSignal }): Promise<{ outcome: PlanOutcome; result: ApplyResult }>;
  /** The state file and its journal as text (the secrets sidecar is where secrets belong). */
  stateText(): string;
}

export function kubeHarness(): KubeHarness {
  const h = harness();
  const requests: string[] = [];
  const types = [kubeObjectsType({ onRequest: (m, u) => requests.push(`${m} ${new URL(u).pathname}${new URL(u).search}`), timeouts: { goneMs: 60_000, establishedMs: 30_000 } })];
  const bus = new EventBus();
  const seen: EngineEvent[] = [];
  bus.on((e) => seen.push(e));
  return {
    ...h,
    types,
    requests,
    bus,
    seen,
    async run(stack, opts = {}) {
      const store = await h.open(types);
      const common = { stack, registry: registry(types), bus, parallelism: 10, signal: opts.signal ?? new AbortController().signal };
      const outcome = await buildPlan({ ...common, mode: opts.mode ?? "apply", state: store.current, targets: [], replace: [], refresh: true });
      const result = await startApply({ ...outcome, ...common, store }).result;
      await store.flush();
      return { outcome, result };
    },
    stateText() {
      const read = (p: string) => {
        try {
          return readFileSync(p, "utf8");
        } catch {
          return "";
        }
      };
      return read(h.statePath) + read(`${h.statePath}.journal`);
    },
  };
}

export function setDecl(kubeconfig: string, objects: JsonObject[], address = "kube_objects.demo"): ResourceDecl {
  return { address, type: "kube_objects", inputs: { kubeconfig, context: "kind-test", objects } };
}

export function setStack(kubeconfig: string, objects: JsonObject[]): Stack {
  return stackOf([setDecl(kubeconfig, objects)]);
}

export const WIDGET_CRD_OBJECT: JsonObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "gadgets.example.org" },
  spec: {
    group: "example.org",
    scope: "Namespaced",
    names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "string", enum: ["small", "large"] }, count: { type: "integer" } } } } } },
      },
    ],
  },
};

/** A namespace, a CRD and one of its objects, a Deployment, a ConfigMap and a Secret. */
export function demoObjects(opts: { replicas?: number; greeting?: string; token?: string; withExtra?: boolean } = {}): JsonObject[] {
  const objects: JsonObject[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } },
    WIDGET_CRD_OBJECT,
    { apiVersion: "example.org/v1", kind: "Gadget", metadata: { name: "g1", namespace: "demo" }, spec: { size: "small", count: 1 } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "demo", labels: { app: "web" } },
      spec: {
        replicas: opts.replicas ?? 2,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
      },
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "demo" }, data: { greeting: opts.greeting ?? "hello" } },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "demo" }, type: "Opaque", stringData: { token: opts.token ?? "t0ps3cret-kube" } },
  ];
  if (opts.withExtra) objects.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra", namespace: "demo" }, data: { x: "1" } });
  return objects;
}
