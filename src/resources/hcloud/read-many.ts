// Refresh many objects of one type in one paginated list call (50 per page) instead of a GET each:
// everything hk made carries the hk/stack label, so one selector finds them all. An id the list
// does not return is checked on its own, so an object whose labels were removed is not taken for gone.
import type { Observed, ReadResult, StepContext } from "../../engine/resource.js";
import { interrupted } from "../../providers/hcloud/pacing.js";
import { STACK_LABEL } from "./labels.js";

export interface ReadManyOps<T, I, O> {
  list(labelSelector: string): Promise<T[]>;
  get(id: number): Promise<T | undefined>;
  observe(obj: T, current: Observed<I, O>): { inputs: I; outputs: O };
}

export async function readManyByLabel<T extends { id: number }, I, O>(
  ctx: StepContext,
  current: readonly Observed<I, O>[],
  ops: ReadManyOps<T, I, O>,
): Promise<Map<string, ReadResult<I, O>>> {
  const out = new Map<string, ReadResult<I, O>>();
  if (current.length === 0) return out;
  const listed = new Map((await ops.list(STACK_LABEL)).map((o) => [String(o.id), o]));
  for (const cur of current) {
    if (ctx.signal.aborted) throw interrupted();
    const obj = listed.get(cur.id) ?? (await ops.get(Number(cur.id)));
    out.set(cur.id, obj ? { status: "found", ...ops.observe(obj, cur) } : { status: "gone" });
  }
  return out;
}
