// One operation of an apply: resolve inputs against the state as it is now, record the operation
// as pending, call the resource type, record the outcome. Every outcome is written before the
// next step that depends on it starts.
import type { Op } from "./apply-graph.js";
import type { ResourceDecl, Stack } from "./declaration.js";
import { resolveRefs, storedInputs, validateInputs } from "./desired.js";
import { BugError, CreateFailedError, ExternalError } from "./errors.js";
import { declDependencies } from "./graph-build.js";
import { inputChanges } from "./plan-decide.js";
import { SENSITIVE } from "./plan-redact.js";
import type { AnyResourceType, Found, Observed, Owner, Registry, StepContext } from "./resource.js";
import { redactPaths } from "./secrets.js";
import { declaredIndex, outputSecrets, secretRefPaths, unionPaths } from "./sensitivity.js";
import type { StateStore } from "./state-store.js";
import { standingRecord, type ResourceState } from "./state.js";
import { getPath, isEphemeral, replaceNodes, type JsonObject } from "./values.js";

export interface OpEnv {
  stack: Stack;
  registry: Registry;
  store: StateStore;
  /** Objects found while planning, to adopt. */
  adopted: ReadonlyMap<string, Found>;
}

/** Whom an object made or adopted at `address` belongs to: this stack, this state's lineage. */
function ownerOf(env: OpEnv, address: string): Owner {
  return { address, stack: env.stack.name, lineage: env.store.lineage };
}

function typeOf(env: OpEnv, name: string): AnyResourceType {
  const t = env.registry.get(name);
  if (!t) throw new BugError(`no resource type ${name}`);
  return t;
}

function declOf(env: OpEnv, op: Op): ResourceDecl {
  const decl = declaredIndex(env.stack).get(op.entry.address);
  if (decl) return decl;
  // A temporary resource removed from the config but needed for a destroy: its dormant record.
  const dormant = env.store.recordsAt(op.entry.address).find((r) => r.status === "dormant");
  if (dormant) return { address: dormant.address, type: dormant.type, inputs: dormant.inputs as ResourceDecl["inputs"], lifecycle: { temporary: true } };
  throw new BugError(`${op.entry.address} is neither declared nor dormant in the state`);
}

const isTemporary = (env: OpEnv) => (address: string) =>
  declaredIndex(env.stack).get(address)?.lifecycle?.temporary === true;

/** Inputs resolved against the state now: every reference must point at an existing output. */
export function applyInputs(env: OpEnv, decl: ResourceDecl, type: AnyResourceType): JsonObject {
  const resolved = resolveRefs(decl, (r) => {
    const value = getPath(env.store.find(r.$ref)?.outputs, r.path);
    if (value === undefined) throw new ExternalError(`${decl.address} needs ${r.$ref}.${r.path}, which is not there`);
    return value;
  });
  const v = validateInputs(type, resolved);
  if (!v.ok) throw new ExternalError(`${decl.address}: invalid inputs: ${v.error}`);
  return v.inputs;
}

/** Replace Ephemeral markers in recorded inputs with the temporary resource's live outputs. */
function liveInputs(store: StateStore, inputs: JsonObject): JsonObject {
  return replaceNodes(inputs, (node) => {
    if (!isEphemeral(node)) return undefined;
    const [type, name, ...path] = node.$ephemeral.split(".");
    return { with: getPath(store.find(`${type}.${name}`)?.outputs, path.join(".")) };
  }) as JsonObject;
}

/**
 * Input paths of this resource fed from sensitive outputs: from its references, and for a
 * dormant temporary resource (no references left) from what its record already said.
 */
function secretInputsOf(env: OpEnv, decl: ResourceDecl): string[] {
  if (declaredIndex(env.stack).get(decl.address) !== decl) return unionPaths(env.store.recordsAt(decl.address)[0]?.secretInputs);
  return unionPaths(secretRefPaths(decl.inputs, outputSecrets(env.stack, env.registry, (a) => env.store.find(a))));
}

/** The lifecycle options a record keeps (what destroy needs once the resource left the config). */
export function recordedLifecycle(decl: ResourceDecl): ResourceState["lifecycle"] {
  const lifecycle: NonNullable<ResourceState["lifecycle"]> = {};
  if (decl.lifecycle?.protect) lifecycle.protect = true;
  if (decl.lifecycle?.temporary) lifecycle.temporary = true;
  if (decl.lifecycle?.createBeforeDestroy !== undefined) lifecycle.createBeforeDestroy = decl.lifecycle.createBeforeDestroy;
  return Object.keys(lifecycle).length > 0 ? lifecycle : undefined;
}

function record(decl: ResourceDecl, type: AnyResourceType, id: string, stored: JsonObject, outputs: JsonObject, status: ResourceState["status"], secretInputs: string[]): ResourceState {
  const now = new Date().toISOString();
  const lifecycle = recordedLifecycle(decl);
  const r: ResourceState = { address: decl.address, type: type.type, id, status, inputs: stored, outputs, dependencies: declDependencies(decl), createdAt: now, updatedAt: now };
  if (lifecycle) r.lifecycle = lifecycle;
  if (secretInputs.length > 0) r.secretInputs = secretInputs;
  return r;
}

function checkOutputs(type: AnyResourceType, address: string, outputs: unknown): JsonObject {
  const r = type.outputs.safeParse(outputs);
  if (!r.success) throw new BugError(`${address}: ${type.type} returned outputs that do not match its schema`);
  return r.data as JsonObject;
}

/** The pending record never holds secrets: sensitive inputs are blanked there. */
function pendingInputs(type: AnyResourceType, stored: JsonObject, secretInputs: readonly string[]): JsonObject {
  return redactPaths(stored, unionPaths(type.sensitive?.inputs, secretInputs), undefined, SENSITIVE);
}

export async function runCreate(env: OpEnv, op: Op, ctx: StepContext): Promise<string> {
  const decl = declOf(env, op);
  const type = typeOf(env, decl.type);
  const inputs = applyInputs(env, decl, type);
  const stored = storedInputs(decl, inputs, isTemporary(env));
  const secretInputs = secretInputsOf(env, decl);
  const pending = await env.store.beginPending({
    address: decl.address,
    type: type.type,
    operation: "create",
    inputs: pendingInputs(type, stored, secretInputs),
    ...(secretInputs.length > 0 ? { secretInputs } : {}),
  });
  let made: { id: string; outputs: JsonObject };
  try {
    made = await type.create(ctx, inputs, ownerOf(env, decl.address));
  } catch (err) {
    // Cancelled mid-call (second Ctrl-C): what happened remotely is unknown, so the pending record
    // stays for the next run to resolve by looking.
    if (ctx.signal.aborted && !(err instanceof CreateFailedError)) throw err;
    await env.store.endPending(pending, (records) => {
      if (!(err instanceof CreateFailedError)) return records;
      // An earlier tainted object is still an object: it waits, deposed, for its delete.
      for (const r of records) if (r.status === "tainted") r.status = "deposed";
      return [...records.filter((r) => r.status !== "dormant"), record(decl, type, err.left.id, stored, err.left.outputs as JsonObject, "tainted", secretInputs)];
    });
    throw err;
  }
  const outputs = checkOutputs(type, decl.address, made.outputs);
  await env.store.endPending(pending, (records) => {
    // Objects the address stood for until now (live or tainted) are the old half of a
    // create-before-destroy: deposed, deleted by this run's delete step or planned next run.
    for (const r of records) if (r.status === "created" || r.status === "tainted") r.status = "deposed";
    return [...records.filter((r) => r.status !== "dormant"), record(decl, type, made.id, stored, outputs, "created", secretInputs)];
  });
  return made.id;
}

export async function runAdopt(env: OpEnv, op: Op, ctx: StepContext): Promise<ResourceState> {
  const decl = declOf(env, op);
  const type = typeOf(env, decl.type);
  const inputs = applyInputs(env, decl, type);
  const owner = ownerOf(env, decl.address);
  const found = env.adopted.get(decl.address) ?? (await type.find?.(ctx, owner, inputs));
  if (!found) throw new ExternalError(`${decl.address}: the object to adopt (${op.entry.id ?? "?"}) is gone; run plan again`);
  // The plan allowed it (unmarked, or taken over with --adopt): from now on it is this state's.
  if (found.lineage !== owner.lineage && type.mark) {
    ctx.progress(`marking object ${found.id} as this state's`);
    await type.mark(ctx, found, owner);
  }
  const r = record(decl, type, found.id, storedInputs(decl, found.inputs, isTemporary(env)), checkOutputs(type, decl.address, found.outputs), "created", secretInputsOf(env, decl));
  await env.store.commitAt(decl.address, (records) => [...records.filter((x) => x.status === "deposed"), r]);
  return r;
}

export async function runUpdate(env: OpEnv, op: Op, ctx: StepContext, observed: ReadonlyMap<string, ResourceState>): Promise<string> {
  const decl = declOf(env, op);
  const type = typeOf(env, decl.type);
  const current = op.entry.adopt ? await runAdopt(env, op, ctx) : env.store.find(decl.address);
  if (!current?.id) throw new ExternalError(`${decl.address}: not in the state any more; run plan again`);
  const inputs = applyInputs(env, decl, type);
  const stored = storedInputs(decl, inputs, isTemporary(env));
  const secretInputs = secretInputsOf(env, decl);
  const seen = observed.get(decl.address)?.inputs ?? current.inputs;
  const changes = inputChanges(type, decl, seen, inputs);
  const pending = await env.store.beginPending({ address: decl.address, type: type.type, operation: "update", objectId: current.id });
  const live: Observed = { id: current.id, inputs: liveInputs(env.store, seen), outputs: current.outputs };
  let outputs: JsonObject;
  try {
    outputs = checkOutputs(type, decl.address, (await type.update(ctx, live, inputs, changes)).outputs);
  } catch (err) {
    if (!ctx.signal.aborted) await env.store.endPending(pending);
    throw err;
  }
  await env.store.endPending(pending, (records) => {
    const r = standingRecord(records);
    if (!r) return records;
    Object.assign(r, { inputs: stored, outputs, updatedAt: new Date().toISOString(), dependencies: declDependencies(decl) });
    // An update may stop feeding a value from a secret; the old path would then stay sealed.
    if (secretInputs.length > 0) r.secretInputs = secretInputs;
    else delete r.secretInputs;
    return records;
  });
  return current.id;
}

export async function runDelete(env: OpEnv, op: Op, ctx: StepContext): Promise<string> {
  const e = op.entry;
  const type = typeOf(env, e.type);
  const current = e.leftover
    ? undefined
    : e.deposed || e.action === "replace"
      ? env.store.recordsAt(e.address).find((r) => r.id === e.id && r.status !== "dormant")
      : env.store.find(e.address);
  if (!e.leftover && (!current || current.id === null || current.status === "dormant")) return e.id ?? "";
  const id = e.leftover ? (e.id as string) : (current?.id as string);
  const live: Observed = e.leftover
    ? { id, inputs: (e.before ?? {}) as JsonObject, outputs: {} }
    : { id, inputs: liveInputs(env.store, current?.inputs ?? {}), outputs: current?.outputs ?? {} };
  const pending = e.leftover ? undefined : await env.store.beginPending({ address: e.address, type: e.type, operation: "delete", objectId: id });
  try {
    await type.delete(ctx, live);
  } catch (err) {
    if (pending && !ctx.signal.aborted) await env.store.endPending(pending);
    throw err;
  }
  if (!pending) return id;
  await env.store.endPending(pending, (records) => {
    const target = records.find((r) => r.id === id);
    if (!target) return records;
    if (op.retire) Object.assign(target, { status: "dormant", id: null, outputs: {}, updatedAt: new Date().toISOString() });
    return op.retire ? records : records.filter((r) => r !== target);
  });
  return id;
}
