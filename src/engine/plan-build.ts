// Planning: recover pending operations, refresh, then decide per resource. Never mutates
// anything remote; the only output is a Plan (redacted) plus the in-memory facts apply needs.
import { createHash } from "node:crypto";
import { z } from "zod";
import { ADDRESS_PATTERN, type ResourceDecl, type Stack } from "./declaration.js";
import { resolveRefs, validateInputs } from "./desired.js";
import { AbortError } from "./errors.js";
import type { EventBus } from "./events.js";
import { buildResourceGraph, declDependencies } from "./graph-build.js";
import type { DepGraph } from "./graph.js";
import { planCosts } from "./plan-costs.js";
import { decideApply, type Decision } from "./plan-decide.js";
import { foundEntry, otherOwner, planDestroyEntries } from "./plan-destroy.js";
import { redactDrift, redactEntry } from "./plan-redact.js";
import { entryKey, summarize, type DriftEntry, type KeptEntry, type Plan, type PlanEntry } from "./plan.js";
import { applyRecoveries, recoverPending, type Recovery } from "./recover.js";
import { applyObservations, refreshState } from "./refresh.js";
import { declaredIndex, outputSecrets, secretRefPaths, unionPaths } from "./sensitivity.js";
import type { AnyResourceType, Found, Registry } from "./resource.js";
import { standingIndex, type StateData } from "./state.js";
import { stepContext } from "./step-context.js";
import { canonicalJson, collectRefs, getPath, hasUnknown, unknown, type JsonObject, type Ref } from "./values.js";

export interface PlanRequest {
  mode: "apply" | "destroy";
  stack: Stack;
  registry: Registry;
  state: StateData;
  targets: string[];
  replace: string[];
  /** Addresses whose object may be adopted although another state's mark is on it (--adopt). */
  adopt?: string[];
  refresh: boolean;
  parallelism: number;
  bus: EventBus;
  signal: AbortSignal;
}

export interface PlanOutcome {
  plan: Plan;
  /** Pending operations resolved while planning; apply records them first. */
  recoveries: Recovery[];
  /** Objects to adopt, by address. */
  adopted: Map<string, Found>;
  /** The state after recovery and refresh (in memory only). */
  working: StateData;
}

export function checkStack(stack: Stack, registry: Registry, targets: readonly string[], replace: readonly string[], adopt: readonly string[] = []): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of stack.resources) {
    if (!ADDRESS_PATTERN.test(d.address)) problems.push(`${d.address}: not a valid address (type.name)`);
    else if (!d.address.startsWith(`${d.type}.`)) problems.push(`${d.address}: address must start with its type ${d.type}`);
    if (!registry.has(d.type)) problems.push(`${d.address}: unknown resource type ${d.type}`);
    if (seen.has(d.address)) problems.push(`${d.address}: declared twice`);
    seen.add(d.address);
  }
  // A reference to an output its type does not have would plan as "known after apply" and fail
  // only half way through the apply: name it now.
  const typeOf = new Map(stack.resources.map((d) => [d.address, registry.get(d.type)]));
  const unknownOutput = (where: string, r: Ref) => {
    const first = r.path.split(".")[0] ?? "";
    const known = outputNames(typeOf.get(r.$ref));
    if (first !== "" && known && !known.includes(first)) problems.push(`${where}: refers to ${r.$ref}.${r.path}, but ${r.$ref} has no output ${first} (it has ${known.join(", ")})`);
  };
  for (const d of stack.resources) for (const r of collectRefs(d.inputs)) unknownOutput(d.address, r);
  for (const [name, value] of Object.entries(stack.outputs ?? {})) {
    for (const r of collectRefs(value)) {
      if (!seen.has(r.$ref)) problems.push(`outputs.${name}: refers to ${r.$ref}, which the config does not declare`);
      else unknownOutput(`outputs.${name}`, r);
    }
  }
  let unknownAddress = false;
  for (const [flag, list] of [["--target", targets], ["--replace", replace], ["--adopt", adopt]] as const) {
    for (const a of list) {
      if (seen.has(a)) continue;
      problems.push(`${flag} ${a}: no such resource in the config`);
      unknownAddress = true;
    }
  }
  if (problems.length > 0) throw new AbortError(problems.join("\n"), unknownAddress ? addressesHint(stack) : undefined);
}

export async function buildPlan(req: PlanRequest): Promise<PlanOutcome> {
  checkStack(req.stack, req.registry, req.targets, req.mode === "apply" ? req.replace : [], req.mode === "apply" ? (req.adopt ?? []) : []);
  const working = structuredClone(req.state);
  const hadLive = working.resources.some((r) => r.status === "created");
  const recoveries = await recoverPending(working, req.registry, req.bus, req.signal);
  applyRecoveries(working, recoveries);
  const graph = buildResourceGraph(req.stack.resources, working);
  let drift: DriftEntry[] = [];
  if (req.refresh) {
    const refreshed = await refreshState(working, req.registry, req.bus, req.signal, req.parallelism);
    drift = refreshed.drift;
    applyObservations(working, refreshed.observed);
  }
  const adopted = new Map<string, Found>();
  const kept: KeptEntry[] = [];
  const entries =
    req.mode === "apply"
      ? await planApplyEntries(req, working, graph, adopted)
      : await planDestroyEntries(req, working, graph, kept);
  checkProtected(entries, req.mode, req.stack);
  noteConsequences(entries, req.registry);
  // Only an apply onto nothing makes what the config has CAPH create: a destroy never adds cost.
  const costs = await planCosts(entries, req.registry, req.stack, req.mode === "apply" && !hadLive, req.bus);
  // Inputs fed from sensitive outputs: as the config feeds them now, and as the records say.
  const secrets = outputSecrets(req.stack, req.registry, standingIndex(working));
  const decls = declaredIndex(req.stack);
  const recorded = new Map<string, string[]>();
  for (const r of working.resources) if (r.secretInputs) recorded.set(r.address, unionPaths(recorded.get(r.address), r.secretInputs));
  const secretPathsOf = (address: string) => {
    const decl = decls.get(address);
    return unionPaths(decl ? secretRefPaths(decl.inputs, secrets) : [], recorded.get(address));
  };
  const recordedBefore = standingIndex(req.state);
  const plan: Plan = {
    format: 1,
    mode: req.mode,
    createdAt: new Date().toISOString(),
    state: { lineage: req.state.lineage, serial: req.state.serial },
    configDigest: configDigest(req.mode, req.stack, req.targets, req.replace),
    entries: entries.map((e) => redactEntry(e, req.registry, secretPathsOf(e.address))),
    drift: drift.map((d) => redactDrift(d, recordedBefore(d.address)?.type ?? "", req.registry, secretPathsOf(d.address))),
    recovered: recoveries.map((r) => r.message),
    costs,
    ...(kept.length > 0 ? { kept } : {}),
    summary: summarize(entries),
    options: { targets: req.targets, replace: req.replace, refresh: req.refresh },
  };
  req.bus.emit({ type: "plan", plan });
  return { plan, recoveries, adopted, working };
}

async function planApplyEntries(req: PlanRequest, working: StateData, graph: DepGraph, adopted: Map<string, Found>): Promise<PlanEntry[]> {
  const decls = new Map(req.stack.resources.map((d) => [d.address, d]));
  const isTemp = (a: string) => decls.get(a)?.lifecycle?.temporary === true;
  // The refreshed state does not change while planning: one index serves every lookup.
  const standing = standingIndex(working);
  const entries = new Map<string, PlanEntry>();
  const errors: string[] = [];
  const refused: Array<{ address: string; message: string }> = [];
  const scope = req.targets.length > 0 ? graph.ancestors(req.targets) : undefined;
  const decide = async (decl: ResourceDecl): Promise<Decision | undefined> => {
    const type = req.registry.get(decl.type);
    if (!type) return undefined;
    const resolved = resolveRefs(decl, (r) => {
      if (isTemp(r.$ref)) return { $ephemeral: `${r.$ref}.${r.path}` };
      const dep = entries.get(r.$ref);
      if (dep && (dep.action === "create" || dep.action === "replace")) return unknown(`${r.$ref}.${r.path}`);
      const value = getPath(standing(r.$ref)?.outputs, r.path);
      return value === undefined ? unknown(`${r.$ref}.${r.path}`) : value;
    });
    const v = validateInputs(type, resolved);
    if (!v.ok) {
      errors.push(`${decl.address}: ${v.error}`);
      return undefined;
    }
    return decideApply({
      decl,
      type,
      inputs: v.inputs,
      complete: v.complete,
      existing: standing(decl.address),
      dependencies: declDependencies(decl),
      replaceRequested: req.replace.includes(decl.address),
      ctx: stepContext(req.bus, req.signal, decl.address, "read"),
      stack: req.stack.name,
      lineage: req.state.lineage,
      adoptRequested: req.adopt?.includes(decl.address) === true,
    });
  };
  const order = graph.topological();
  for (const address of order) {
    const decl = decls.get(address);
    if (!decl || isTemp(address)) continue;
    if (scope && !scope.has(address)) continue;
    const d = await decide(decl);
    if (!d) continue;
    if (d.refused) refused.push({ address, message: d.refused });
    entries.set(address, d.entry);
    if (d.adopted) adopted.set(address, d.adopted);
  }
  for (const r of working.resources) {
    // A tainted object beside the live one at its address (a create-before-destroy whose create
    // failed half way) is not what the address stands for: it goes, like a deposed one.
    const stray = r.status === "tainted" && decls.has(r.address) && standing(r.address) !== r;
    if (decls.has(r.address) && r.status !== "deposed" && !stray) continue;
    if (r.status === "dormant" || (scope && !scope.has(r.address))) continue;
    const reason = r.status === "deposed" ? "deposed by a create-before-destroy replacement" : stray ? "tainted: left by a failed create" : "removed from config";
    const entry: PlanEntry = { address: r.address, type: r.type, action: "delete", reason, id: r.id ?? "", before: r.inputs, changes: [], dependencies: r.dependencies };
    if (r.status === "deposed" || stray) entry.deposed = true;
    if (r.lifecycle?.protect) entry.protect = true;
    entries.set(entryKey(entry), entry);
  }
  // Dependents first: a temporary needed only by another temporary (the tools on a bootstrap
  // cluster) is decided once that one is.
  for (const address of [...order].reverse()) {
    const decl = decls.get(address);
    if (!decl || !isTemp(address)) continue;
    const needed = graph.after(address).some((d) => {
      const e = entries.get(d);
      if (e === undefined || e.action === "noop") return false;
      // A dependent that needs this one only to be made (or unmade) does not bring it back for an update.
      return !(e.action === "update" && decls.get(d)?.dependsOnToCreate?.includes(address));
    });
    const existing = standing(address);
    const live = existing?.status === "created" || existing?.status === "tainted";
    if (!needed) {
      if (live) entries.set(address, { address, type: decl.type, action: "delete", reason: "temporary: not needed now", id: existing?.id ?? "", before: existing?.inputs ?? {}, changes: [], dependencies: declDependencies(decl) });
      continue;
    }
    const d = await decide(decl);
    if (!d) continue;
    if (d.refused) refused.push({ address, message: d.refused });
    d.entry.temporary = true;
    d.entry.reason = d.entry.reason ?? "temporary: created for this run, deleted after";
    entries.set(address, d.entry);
  }
  if (errors.length > 0) throw new AbortError(`invalid resource inputs:\n${errors.join("\n")}`);
  if (refused.length > 0) {
    const flags = refused.map((r) => `--adopt ${r.address}`).join(" ");
    throw new AbortError(
      `${refused.map((r) => r.message).join("\n")}\nnothing was planned: two states managing one object would each change it and delete it on destroy`,
      `if this config should manage it from now on, plan again with ${flags} (the other state still records it, and its destroy would delete it); else point hk at the state that owns it with --state PATH`,
    );
  }
  // What an interrupted run made for itself and could not delete: gone with this apply.
  if (!scope) {
    for (const type of req.registry.values()) {
      if (!type.strays) continue;
      for (const f of await type.strays(stepContext(req.bus, req.signal, `${type.type}.*`, "read"), req.stack.name)) {
        // Another state's run (still going, or killed) made it: that state's next apply removes it.
        if (otherOwner(f, working.lineage) !== undefined) continue;
        const entry = foundEntry(type.type, f, "left by an interrupted hk run", (a) => entries.has(a));
        entries.set(entry.address, entry);
      }
    }
  }
  return [...entries.values()];
}

function checkProtected(entries: readonly PlanEntry[], mode: string, stack: Stack): void {
  const blocked = entries.filter((e) => e.protect && (e.action === "delete" || e.action === "replace"));
  if (blocked.length === 0) return;
  const lines = blocked.map((e) => `${e.address} is protected (lifecycle.protect) and this ${mode} would ${e.action === "replace" ? "replace" : "delete"} it${e.reason ? ` (${e.reason})` : ""}`);
  const declared = new Set(stack.resources.map((d) => d.address));
  const gone = blocked.some((e) => !declared.has(e.address));
  throw new AbortError(
    lines.join("\n"),
    gone
      ? "it was protected when last applied: declare it again without lifecycle.protect and run hk apply, then remove it, if you really mean it"
      : "remove lifecycle.protect from the config first if you really mean it",
  );
}

/** The addresses a flag can name, as `hk output NAME` lists the outputs there are. */
function addressesHint(stack: Stack): string {
  const all = stack.resources.map((d) => d.address).sort();
  return all.length > 0 ? `resources in the config: ${all.join(", ")}` : "the config declares no resources";
}

/** The output names a type declares, when its outputs schema is a closed object; else undefined. */
function outputNames(type: AnyResourceType | undefined): string[] | undefined {
  const schema = type?.outputs;
  if (!(schema instanceof z.ZodObject)) return undefined;
  if (schema.def.catchall !== undefined && !(schema.def.catchall instanceof z.ZodNever)) return undefined;
  return Object.keys(schema.shape);
}

/** A digest of everything the config asks for (secrets included, hashed): saved plans check it. */
export function configDigest(mode: string, stack: Stack, targets: readonly string[], replace: readonly string[]): string {
  const body = canonicalJson({
    mode,
    stack: stack.name,
    targets,
    replace,
    resources: stack.resources.map((d) => ({ ...d, inputs: d.inputs as JsonObject })),
    outputs: stack.outputs ?? {},
  });
  return createHash("sha256").update(body).digest("hex");
}

/** Each entry's consequences in its type's words, before values are redacted (types see real inputs). */
function noteConsequences(entries: PlanEntry[], registry: PlanRequest["registry"]): void {
  for (const e of entries) {
    const type = registry.get(e.type);
    if (!type?.consequences || e.action === "noop" || e.action === "read") continue;
    const before = e.action === "create" ? undefined : (e.before as JsonObject | undefined);
    const after = e.action === "delete" ? undefined : (e.after as JsonObject | undefined);
    if (after !== undefined && hasUnknown(after)) continue;
    try {
      const notes = type.consequences(before, after);
      if (notes.length > 0) e.notes = notes;
    } catch {
      // A type's description of a change never stops the plan.
    }
  }
}
