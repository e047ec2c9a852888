// One emulated cluster's object semantics, shared by HTTP and the in-process ClusterApi: every
// write ends in `commit`, which sets the server's fields (uid, creationTimestamp, generation,
// resourceVersion), validates custom objects, serves CRDs, drops no-op writes and finishes deletions.
import { randomUUID } from "node:crypto";
import { checkObject } from "./semantics/schema.js";
import { crdProblems, crdStatus } from "./crd.js";
import { comparable, deepEqual, generationPart } from "./objects.js";
import { groupVersion, KindRegistry, storageKey } from "./registry.js";
import { errors, invalidOf, StatusError } from "./status.js";
import { Reaper } from "./deletion.js";
import { keyOfObject, type ObjectStore } from "./store.js";
import type { KindInfo, KubeObject } from "./types.js";
import { builtinDefaults } from "./controllers/defaults.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteOptions {
  manager: string;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  subresource?: "status";
}

export interface WriteResult {
  object: KubeObject;
  created: boolean;
  /** Texts of Warning headers (unknown fields under fieldValidation=Warn). */
  warnings: string[];
}

const CRD_KEY = "apiextensions.k8s.io/CustomResourceDefinition";

export class Cluster {
  readonly registry = new KindRegistry();
  readonly reaper: Reaper = new Reaper(this);

  constructor(readonly store: ObjectStore) {}

  /** The kind a stored object belongs to (its own version, or any served version of its group/kind). */
  kindOfStored(obj: KubeObject): KindInfo | undefined {
    const exact = this.registry.byKind(obj.apiVersion, obj.kind);
    if (exact) return exact;
    const key = keyOfObject(obj);
    return this.registry.all().find((k) => storageKey(k) === key);
  }

  /** Serves the CRDs found in the store (after load). */
  serveStoredCrds(): void {
    for (const crd of this.store.list(CRD_KEY)) this.registry.setCrd(crd.metadata.name ?? "", crd);
  }

  live(kind: KindInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(storageKey(kind), kind.namespaced ? (namespace ?? "") : "", name);
  }

  /** Stores `candidate` (the write's result) as the new state of an object, or as a new object. */
  commit(kind: KindInfo, live: KubeObject | undefined, candidate: KubeObject, opts: WriteOptions, now: string): WriteResult {
    let obj = structuredClone(candidate);
    obj.apiVersion = groupVersion(kind);
    obj.kind = kind.kind;
    const meta = obj.metadata;
    if (live) {
      meta.uid = live.metadata.uid ?? randomUUID();
      meta.creationTimestamp = live.metadata.creationTimestamp ?? now;
      if (live.metadata.deletionTimestamp) meta.deletionTimestamp = live.metadata.deletionTimestamp;
      else delete meta.deletionTimestamp;
    } else {
      meta.uid = randomUUID();
      meta.creationTimestamp = now;
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
      if (kind.namespaced) this.checkNamespaceOpen(kind, meta.namespace ?? "", meta.name ?? "");
    }
    delete meta.resourceVersion;
    if (!kind.namespaced) delete meta.namespace;
    if (kind.builtin && kind.group === "" && kind.kind === "Secret") obj = mergeStringData(obj);
    // The apiserver's defaults of built-in kinds (clients dereference them: helm's ready check, rollout status).
    if (kind.builtin) obj = builtinDefaults(obj);
    if (!live && kind.builtin && kind.group === "" && kind.kind === "Pod" && obj.status === undefined) obj.status = { phase: "Pending" };
    const warnings: string[] = [];
    if (!kind.builtin && kind.schema) obj = this.validate(kind, obj, opts.fieldValidation ?? "Warn", warnings);
    // validate and mergeStringData return new objects: read metadata afresh from here on.
    const m = obj.metadata;
    if (kind.builtin && kind.kind === "CustomResourceDefinition") {
      const problems = crdProblems(obj);
      if (problems.length > 0) throw invalidOf("CustomResourceDefinition.apiextensions.k8s.io", m.name ?? "", problems.map(splitProblem), { name: m.name ?? "", group: kind.group, kind: kind.kind });
      obj.status = crdStatus(obj, live, now);
    }
    if (kind.hasGeneration) {
      const before = live?.metadata.generation;
      m.generation = before === undefined ? 1 : deepEqual(generationPart(live as KubeObject, kind), generationPart(obj, kind)) ? before : before + 1;
    } else delete m.generation;

    const namespace = kind.builtin && kind.group === "" && kind.kind === "Namespace";
    // The apiserver labels every namespace with its name, so selectors can pick namespaces by name.
    if (namespace) m.labels = { ...m.labels, "kubernetes.io/metadata.name": m.name ?? "" };
    if (namespace && !live) {
      obj.spec = { finalizers: ["kubernetes"], ...((obj.spec as object | undefined) ?? {}) };
      obj.status = { phase: "Active" };
    }
    if (live && deepEqual(comparable(live), comparable(obj))) return { object: live, created: false, warnings };
    if (live?.metadata.deletionTimestamp && !namespace && (m.finalizers ?? []).length === 0) {
      if (opts.dryRun) return { object: obj, created: false, warnings };
      return { object: this.removeNow(kind, live), created: false, warnings };
    }
    if (opts.dryRun) {
      if (live?.metadata.resourceVersion) m.resourceVersion = live.metadata.resourceVersion;
      return { object: obj, created: !live, warnings };
    }
    const stored = this.store.put(storageKey(kind), obj, live ? "MODIFIED" : "ADDED");
    if (kind.builtin && kind.kind === "CustomResourceDefinition") this.registry.setCrd(m.name ?? "", stored);
    if (namespace && stored.metadata.deletionTimestamp) this.reaper.sweepSoon(m.name ?? "");
    return { object: stored, created: !live, warnings };
  }

  /** Takes an object out of the store at once (its finalizers are done), with what follows from it. */
  removeNow(kind: KindInfo, live: KubeObject): KubeObject {
    const gone = this.store.remove(storageKey(kind), live);
    if (kind.builtin && kind.kind === "CustomResourceDefinition") this.dropCrd(live);
    this.reaper.removed(gone);
    return gone;
  }

  private dropCrd(crd: KubeObject): void {
    const served = this.registry.all().filter((k) => k.crd === crd.metadata.name);
    this.registry.setCrd(crd.metadata.name ?? "", undefined);
    const first = served[0];
    if (!first) return;
    for (const obj of this.store.list(storageKey(first))) {
      const gone = this.store.remove(storageKey(first), obj);
      this.reaper.removed(gone);
    }
  }

  private checkNamespaceOpen(kind: KindInfo, namespace: string, name: string): void {
    const nsKind = this.registry.byKind("v1", "Namespace");
    if (!nsKind) return;
    const ns = this.store.get(storageKey(nsKind), "", namespace);
    if (!ns) throw errors.notFound(nsKind, namespace);
    if (ns.metadata.deletionTimestamp) throw errors.forbidden(kind, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  }

  private validate(kind: KindInfo, obj: KubeObject, mode: FieldValidation, warnings: string[]): KubeObject {
    const outcome = checkObject(obj, kind.schema ?? {});
    if (outcome.causes.length > 0) throw errors.invalid(kind, obj.metadata.name ?? "", outcome.causes);
    if (outcome.unknownFields.length > 0) {
      const texts = outcome.unknownFields.map((f) => `unknown field "${f}"`);
      if (mode === "Strict") throw errors.badRequest(`${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: strict decoding error: ${texts.join(", ")}`);
      if (mode === "Warn") warnings.push(...texts);
    }
    // The schema speaks for the content only: metadata stays the server's.
    return { ...outcome.object, apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata };
  }
}

function splitProblem(p: string): { reason: string; message: string; field: string } {
  const i = p.indexOf(": ");
  const message = p.slice(i + 2);
  return { reason: message.startsWith("Required") ? "FieldValueRequired" : "FieldValueInvalid", message, field: p.slice(0, i) };
}

/** Secret stringData is write-only: its entries land base64-encoded in data; no type is Opaque (the apiserver's default). */
function mergeStringData(secret: KubeObject): KubeObject {
  const obj: KubeObject = secret.type === undefined || secret.type === "" ? { ...secret, type: "Opaque" } : secret;
  const stringData = obj.stringData as Record<string, string> | undefined;
  if (!stringData) return obj;
  const data: Record<string, string> = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), "utf8").toString("base64");
  const out: KubeObject = { ...obj, data };
  delete out.stringData;
  return out;
}

export { StatusError };
