// What hk manages of a live object: the fields it applied, read back from the server. A live
// object is projected onto the shape of the object hk applied (maps key by key, lists element by
// element when their lengths agree), so defaults the server added and fields other managers own
// are left out, and a value hk applied that someone changed (`kubectl scale`) shows as drift.
import type { KubeObject } from "../../providers/kube/index.js";
import { isSecret, objectKey, secretKey, type KubeObjectsInputs, type ObjectInput } from "./objects-input.js";

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** `live` cut down to the keys of `applied`; undefined where live has nothing. */
export function projectOnto(applied: unknown, live: unknown): unknown {
  if (live === undefined) return undefined;
  if (isPlain(applied) && isPlain(live)) {
    const out: Plain = {};
    for (const k of Object.keys(applied)) {
      const v = projectOnto(applied[k], live[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && applied.length === live.length) {
    return live.map((v, i) => projectOnto(applied[i], v) ?? null);
  }
  return live;
}

/** A live object hk does not know the shape of (labelled for the set, not in its record). */
function stub(live: KubeObject): ObjectInput {
  const { name, namespace } = live.metadata;
  return { apiVersion: live.apiVersion, kind: live.kind, metadata: namespace ? { name, namespace } : { name } };
}

/**
 * The set as it is live, in the shape of `recorded`: each recorded object projected from its live
 * twin (dropped when gone), objects labelled for the set that the record lacks as stubs, and the
 * Secrets' data projected onto the recorded keys.
 */
export function observeSet(recorded: KubeObjectsInputs, live: ReadonlyMap<string, KubeObject>): KubeObjectsInputs {
  const objects: ObjectInput[] = [];
  const secretData: Record<string, Record<string, string>> = {};
  const known = new Set<string>();
  for (const want of recorded.objects) {
    const key = objectKey(want);
    known.add(key);
    const got = live.get(key);
    if (!got) continue;
    objects.push(projectOnto(want, { ...got, apiVersion: want.apiVersion }) as ObjectInput);
    const data = recorded.secretData[secretKey(want)];
    if (isSecret(want) && data) secretData[secretKey(want)] = projectOnto(data, got.data ?? {}) as Record<string, string>;
  }
  for (const [key, got] of live) if (!known.has(key)) objects.push(stub(got));
  return { ...recorded, objects, secretData } as KubeObjectsInputs;
}
