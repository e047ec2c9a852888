// kube_objects: a set of Kubernetes objects on one cluster, the building block of the Cluster API
// and Argo CD resources. Applied with server-side apply as `hk`, every object labelled with the
// set's owner, so a refresh lists each kind once by label selector instead of reading objects
// one by one. Only the fields hk applied are compared: a value another manager changed is drift.
import { readFileSync } from "node:fs";
import { AbortError, CreateFailedError, ExternalError } from "../../engine/errors.js";
import type { Found, Owner, ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import { mapLimit } from "../../engine/step-context.js";
import { KubeClient, refOf, type KubeClientOptions, type KubeObject, type ObjectRef } from "../../providers/kube/index.js";
import { ADDRESS_LABEL, STACK_LABEL, labelValue, ownerLabels, ownerMark, selector } from "../hcloud/labels.js";
import { applyInOrder, CONCURRENCY, deleteInOrder, manifestOf, type SetTimeouts } from "./apply-set.js";
import { kubeObjectsInputs, kubeObjectsOutputs, objectKey, type KubeObjectsInputs, type KubeObjectsOutputs } from "./objects-input.js";
import { observeSet } from "./project.js";

export interface KubeObjectsDeps extends KubeClientOptions {
  timeouts?: Partial<SetTimeouts>;
}

type Applied = KubeObjectsOutputs["applied"][number];

const toApplied = (o: KubeObject): Applied => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) });
const appliedRef = (a: Applied): ObjectRef => ({ apiVersion: a.apiVersion, kind: a.kind, name: a.name, namespace: a.namespace });

export function setSelector(owner: Pick<Owner, "stack" | "address">): string {
  return selector({ [STACK_LABEL]: labelValue(owner.stack), [ADDRESS_LABEL]: labelValue(owner.address) });
}

/** Distinct apiVersion+kind pairs, in first-seen order. */
function kindsOf(items: ReadonlyArray<{ apiVersion: string; kind: string }>): Array<{ apiVersion: string; kind: string }> {
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const i of items) if (!seen.has(`${i.apiVersion} ${i.kind}`)) seen.set(`${i.apiVersion} ${i.kind}`, { apiVersion: i.apiVersion, kind: i.kind });
  return [...seen.values()];
}

export function kubeObjectsType(deps: KubeObjectsDeps = {}): ResourceType<KubeObjectsInputs, KubeObjectsOutputs> {
  const timeouts: SetTimeouts = { establishedMs: 60_000, goneMs: 300_000, ...deps.timeouts };
  // One client per kubeconfig as it is now: discovery stays cached across steps, and a rewritten
  // kubeconfig (a cluster made again, on a new port) gets a fresh client.
  const clients = new Map<string, KubeClient>();
  const clientFor = (inputs: Pick<KubeObjectsInputs, "kubeconfig" | "context">): KubeClient => {
    if (typeof inputs.kubeconfig !== "string") throw new AbortError("kube_objects: the kubeconfig is not known now (it comes from a resource that does not exist)", "apply the resource that makes the cluster first");
    let text: string;
    try {
      text = readFileSync(inputs.kubeconfig, "utf8");
    } catch (err) {
      throw new AbortError(`${inputs.kubeconfig}: cannot read the kubeconfig (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, "check the path, or apply the cluster that writes it");
    }
    const key = `${inputs.kubeconfig}\0${inputs.context ?? ""}\0${text}`;
    let c = clients.get(key);
    if (!c) {
      c = KubeClient.fromKubeconfig(inputs.kubeconfig, inputs.context, deps);
      clients.set(key, c);
    }
    return c;
  };

  /** Live objects of the set by objectKey: one labelled list per kind (kinds no longer served have none). */
  const liveSet = async (ctx: StepContext, client: KubeClient, sel: string, kinds: ReadonlyArray<{ apiVersion: string; kind: string }>) => {
    const live = new Map<string, KubeObject>();
    await mapLimit(kinds, CONCURRENCY, async ({ apiVersion, kind }) => {
      try {
        const { items } = await client.list(apiVersion, kind, { labelSelector: sel, signal: ctx.signal });
        for (const o of items) live.set(objectKey(o), o);
      } catch (err) {
        if (!(err instanceof ExternalError && err.code === "unknown-kind")) throw err;
      }
    });
    return live;
  };

  const applySet = async (ctx: StepContext, inputs: KubeObjectsInputs, labels: Record<string, string>, force: boolean, applied: Applied[]) => {
    const client = clientFor(inputs);
    const manifests = inputs.objects.map((o) => manifestOf(o, inputs, labels));
    await applyInOrder(ctx, client, manifests, { force, timeouts, onApplied: (o) => applied.push(toApplied(o)) });
    return client;
  };

  return {
    type: "kube_objects",
    inputs: kubeObjectsInputs,
    outputs: kubeObjectsOutputs,
    sensitive: { inputs: ["secretData"] },

    async read(ctx, current): Promise<ReadResult<KubeObjectsInputs, KubeObjectsOutputs>> {
      const client = clientFor(current.inputs);
      const live = await liveSet(ctx, client, current.outputs.labelSelector, kindsOf([...current.outputs.applied, ...current.inputs.objects]));
      if (live.size === 0) return { status: "gone" };
      return { status: "found", inputs: observeSet(current.inputs, live), outputs: current.outputs };
    },

    async find(ctx, owner, desired): Promise<Found<KubeObjectsInputs, KubeObjectsOutputs> | undefined> {
      const client = clientFor(desired);
      const sel = setSelector(owner);
      const live = await liveSet(ctx, client, sel, kindsOf(desired.objects));
      if (live.size === 0) return undefined;
      const applied = [...live.values()].map(toApplied);
      const first = [...live.values()][0];
      const labels = { ...ownerLabels(owner), ...pickLabels(first) };
      const mark = ownerMark(first?.metadata.labels, owner);
      const found = { id: labelValue(owner.address), inputs: observeSet(desired, live), outputs: { labelSelector: sel, labels, applied } };
      return mark === undefined ? found : { ...found, lineage: mark };
    },

    async create(ctx, inputs, owner) {
      const applied: Applied[] = [];
      const labels = ownerLabels(owner);
      const outputs = (): KubeObjectsOutputs => ({ labelSelector: setSelector(owner), labels, applied });
      try {
        // Not forced: a field another manager already holds is a conflict to report, not to take.
        await applySet(ctx, inputs, labels, false, applied);
      } catch (err) {
        if (applied.length === 0) throw err;
        throw new CreateFailedError(`${(err as Error).message} (${applied.length} of ${inputs.objects.length} objects were applied)`, { id: labelValue(owner.address), outputs: outputs() }, { cause: err });
      }
      return { id: labelValue(owner.address), outputs: outputs() };
    },

    async update(ctx, current, desired) {
      const applied: Applied[] = [];
      // Forced: these objects are hk's; a field someone else took (kubectl scale) is taken back.
      const client = await applySet(ctx, desired, current.outputs.labels, true, applied);
      const keep = new Set(desired.objects.map(objectKey));
      const before = [...current.outputs.applied.map(appliedRef), ...current.inputs.objects.map(refOf)];
      const stale = new Map<string, ObjectRef>();
      for (const r of before) {
        const key = objectKey({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } });
        if (!keep.has(key)) stale.set(key, r);
      }
      if (stale.size > 0) {
        ctx.progress(`deleting ${stale.size} object${stale.size === 1 ? "" : "s"} no longer in the set`);
        await deleteInOrder(ctx, client, [...stale.values()], timeouts);
      }
      return { outputs: { labelSelector: current.outputs.labelSelector, labels: current.outputs.labels, applied } };
    },

    async delete(ctx, current) {
      const client = clientFor(current.inputs);
      const refs = new Map<string, ObjectRef>();
      for (const r of [...current.outputs.applied.map(appliedRef), ...current.inputs.objects.map(refOf)]) {
        refs.set(objectKey({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, namespace: r.namespace } }), r);
      }
      await deleteInOrder(ctx, client, [...refs.values()], timeouts);
    },
  };
}

/** hk's own labels (`hk/…`) on a live object. */
function pickLabels(o: KubeObject | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o?.metadata.labels ?? {}).filter(([k]) => k.startsWith("hk/")));
}
