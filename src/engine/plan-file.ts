// Saved plans (`hk plan --out FILE`, `hk apply FILE`). A saved plan holds no secrets (its values
// are redacted); it names the state it was made against and a digest of the config, and is
// refused when either has changed since.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { writeFileAtomic } from "./atomic-file.js";
import { AbortError } from "./errors.js";
import { issueLines } from "./issues.js";
import type { Plan } from "./plan.js";
import type { StateData } from "./state.js";

const change = z.object({ path: z.string(), before: z.unknown(), after: z.unknown(), forcesReplacement: z.boolean(), label: z.string().optional() });
const cost = z.object({ monthly: z.number(), currency: z.string(), what: z.string() });
const entry = z.object({
  address: z.string(),
  type: z.string(),
  action: z.enum(["create", "update", "replace", "delete", "read", "noop"]),
  reason: z.string().optional(),
  replaceOrder: z.enum(["create-before-destroy", "destroy-before-create"]).optional(),
  id: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  changes: z.array(change),
  dependencies: z.array(z.string()),
  temporary: z.boolean().optional(),
  deposed: z.boolean().optional(),
  leftover: z.boolean().optional(),
  deleteAfter: z.array(z.string()).optional(),
  adopt: z.boolean().optional(),
  protect: z.boolean().optional(),
  cost: cost.optional(),
  notes: z.array(z.string()).optional(),
});
const planSchema = z.object({
  format: z.literal(1),
  mode: z.enum(["apply", "destroy"]),
  createdAt: z.string(),
  state: z.object({ lineage: z.string(), serial: z.number() }),
  configDigest: z.string(),
  entries: z.array(entry),
  drift: z.array(z.object({ address: z.string(), kind: z.enum(["changed", "deleted"]), changes: z.array(change) })),
  recovered: z.array(z.string()),
  costs: z.array(cost.extend({ subject: z.string(), sign: z.union([z.literal(1), z.literal(-1)]) })),
  kept: z.array(z.object({ address: z.string(), type: z.string(), id: z.string(), reason: z.string() })).optional(),
  summary: z.object({ add: z.number(), change: z.number(), destroy: z.number() }),
  options: z.object({ targets: z.array(z.string()), replace: z.array(z.string()), refresh: z.boolean() }),
});

export async function savePlan(path: string, plan: Plan): Promise<void> {
  await writeFileAtomic(path, JSON.stringify({ hkPlan: plan }, null, 2) + "\n", 0o600);
}

export async function loadPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new AbortError(`${path}: no such plan file`, "check the name, or make one with: hk plan --out FILE");
    if (code === "EISDIR") throw new AbortError(`${path}: is a folder, not a plan file`, "pass the file hk plan --out wrote");
    throw new AbortError(`${path}: cannot read the plan file (${code === "EACCES" || code === "EPERM" ? "permission denied" : (code ?? (err as Error).message)})`, "check the file's permissions");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AbortError(`${path}: not a plan file (not valid JSON: ${(err as Error).message})`, "make one with: hk plan --out FILE");
  }
  const hkPlan = (raw as { hkPlan?: unknown } | null)?.hkPlan;
  if (hkPlan === undefined) throw new AbortError(`${path}: not a plan file (JSON without an hkPlan object)`, "make one with: hk plan --out FILE");
  const parsed = planSchema.safeParse(hkPlan);
  if (!parsed.success) {
    // A few problems say what is wrong; a JSON file that is no plan at all would list dozens.
    const lines = issueLines(parsed.error.issues);
    const shown = lines.slice(0, 3).concat(lines.length > 3 ? [`… and ${lines.length - 3} more`] : []);
    throw new AbortError(`${path}: not a valid hk plan file (${lines.length} problem${lines.length === 1 ? "" : "s"}):\n  ${shown.join("\n  ")}`, "make a new one with: hk plan --out FILE");
  }
  return parsed.data as Plan;
}

/** Why a saved plan no longer fits the state (hk apply refuses it then), or undefined when it does. */
export function planStateMismatch(plan: Plan, state: Pick<StateData, "lineage" | "serial">): string | undefined {
  // A plan made before any state existed (serial 0: never written) fits any state still unwritten.
  const bothNew = plan.state.serial === 0 && state.serial === 0;
  if (!bothNew && plan.state.serial > 0 && plan.state.lineage !== state.lineage) {
    return `the plan was made for another state (lineage ${plan.state.lineage}, this state is ${state.lineage || "not written yet"})`;
  }
  if (plan.state.serial !== state.serial) return `the state changed since this plan was made (serial ${plan.state.serial} then, ${state.serial} now)`;
  return undefined;
}

/** Refuse a saved plan whose state or config moved on since it was made. */
export function checkSavedPlan(path: string, plan: Plan, state: StateData, configDigest: string): void {
  const mismatch = planStateMismatch(plan, state);
  if (mismatch) throw new AbortError(`${path}: ${mismatch}`, mismatch.startsWith("the plan was made") ? "make a new plan" : "make a new plan: hk plan --out FILE");
  if (plan.configDigest !== configDigest) {
    throw new AbortError(`${path}: the configuration changed since this plan was made`, "make a new plan: hk plan --out FILE");
  }
}
