// Applying and deleting a set of objects on one cluster, in dependency order: Namespaces and
// CRDs first (each CRD Established, so its kinds are served, before anything else is applied),
// the rest after; deletion in the reverse order, each tier gone before the next is deleted.
import { ExternalError } from "../../engine/errors.js";
import type { StepContext } from "../../engine/resource.js";
import { mapLimit } from "../../engine/step-context.js";
import { describeRef, refOf, waitCondition, waitGone, type KubeClient, type KubeObject, type ObjectRef } from "../../providers/kube/index.js";
import { isCrd, isNamespace, isSecret, secretKey, type KubeObjectsInputs, type ObjectInput } from "./objects-input.js";

/** Requests in flight at once while applying or deleting a tier. */
export const CONCURRENCY = 8;

export interface SetTimeouts {
  /** A CRD to become Established. */
  establishedMs: number;
  /** An object to be gone after its delete (finalizers, a namespace emptying). */
  goneMs: number;
}

/** 0: Namespaces and CRDs; 1: everything else. */
export function tierOf(o: { apiVersion: string; kind: string }): 0 | 1 {
  return isNamespace(o) || isCrd(o) ? 0 : 1;
}

/** The object as sent: the set's Secret data put back, the ownership labels added. */
export function manifestOf(o: ObjectInput, inputs: KubeObjectsInputs, labels: Record<string, string>): KubeObject {
  const out: KubeObject = { ...(o as KubeObject), metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), ...labels } } };
  const data = isSecret(o) ? inputs.secretData[secretKey(o)] : undefined;
  if (data) out.data = data;
  return out;
}

/** Apply `objects` in tiers; `onApplied` sees each object once the server took it. */
export async function applyInOrder(
  ctx: StepContext,
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: { force: boolean; timeouts: SetTimeouts; onApplied: (o: KubeObject) => void },
): Promise<void> {
  let done = 0;
  const total = objects.length;
  const one = async (o: KubeObject) => {
    const { namespaced } = await client.mapping(o.apiVersion, o.kind, { signal: ctx.signal });
    if (namespaced && !o.metadata.namespace) throw new ExternalError(`${describeRef(refOf(o))}: metadata.namespace: Required value: ${o.kind} is namespaced (set metadata.namespace in the config)`, false, "invalid");
    if (!namespaced && o.metadata.namespace) throw new ExternalError(`${describeRef(refOf(o))}: metadata.namespace: ${o.kind} is cluster-scoped (remove metadata.namespace from the config)`, false, "invalid");
    await client.apply(o, { signal: ctx.signal, force: opts.force });
    opts.onApplied(o);
    done++;
    ctx.progress(`applied ${done}/${total}: ${describeRef(refOf(o))}`, total === 0 ? 1 : done / total);
  };
  const first = objects.filter((o) => tierOf(o) === 0);
  await mapLimit(first, CONCURRENCY, one);
  for (const crd of first.filter(isCrd)) {
    ctx.progress(`waiting for ${describeRef(refOf(crd))} to be Established`);
    await waitCondition(client, crd, "Established", { timeoutMs: opts.timeouts.establishedMs, signal: ctx.signal });
    const spec = crd.spec as { group?: string; versions?: Array<{ name?: string }> } | undefined;
    for (const v of spec?.versions ?? []) client.forget(`${spec?.group}/${v.name}`);
  }
  await mapLimit(objects.filter((o) => tierOf(o) === 1), CONCURRENCY, one);
}

/** Delete `refs` in reverse tiers (everything else, then CRDs, then Namespaces), waiting until each is gone. */
export async function deleteInOrder(ctx: StepContext, client: KubeClient, refs: readonly ObjectRef[], timeouts: SetTimeouts): Promise<void> {
  const rank = (r: ObjectRef) => (isNamespace(r) ? 2 : isCrd(r) ? 1 : 0);
  for (const tier of [0, 1, 2]) {
    const now = refs.filter((r) => rank(r) === tier);
    const asked = await mapLimit(now, CONCURRENCY, async (r) => {
      try {
        await client.mapping(r.apiVersion, r.kind, { signal: ctx.signal });
      } catch (err) {
        // A kind no longer served (its CRD is gone) has no objects left to delete.
        if (err instanceof ExternalError && err.code === "unknown-kind") return undefined;
        throw err;
      }
      return (await client.delete(r, { signal: ctx.signal })) ? r : undefined;
    });
    const pending = asked.filter((r): r is ObjectRef => r !== undefined);
    if (pending.length > 0) ctx.progress(`waiting for ${pending.length === 1 ? describeRef(pending[0] as ObjectRef) : `${pending.length} objects`} to be gone`);
    let gone = 0;
    await mapLimit(pending, CONCURRENCY, async (r) => {
      await waitGone(client, r, { timeoutMs: timeouts.goneMs, signal: ctx.signal });
      gone++;
      ctx.progress(`deleted ${gone}/${pending.length}: ${describeRef(r)}`, pending.length === 0 ? 1 : gone / pending.length);
    });
  }
}
