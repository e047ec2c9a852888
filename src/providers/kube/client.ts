// hk's Kubernetes client: one cluster, reached through a kubeconfig file and context, on
// client-node 1.x. Server-side apply as field manager `hk`, read, paged list by label, delete;
// every call retried within bounds (retry.ts), cancelled by the step's signal, and failing with
// one line naming the object (errors.ts). Waits live in wait.ts.
import { KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { AbortError } from "../../engine/errors.js";
import type { JsonObject } from "../../engine/values.js";
import { describeRef, isNotFound, kubeError, type ObjectRef } from "./errors.js";
import { RawObjectApi, withRequestSignal } from "./object-api.js";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.js";

export const FIELD_MANAGER = "hk";

export interface KubeMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  deletionTimestamp?: string;
  managedFields?: Array<{ manager?: string; operation?: string; fieldsV1?: JsonObject; subresource?: string }>;
  [key: string]: unknown;
}

/** An object as the server holds it (JSON, unchanged). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
  [key: string]: unknown;
}

/** How the server serves a kind: its plural (URL segment) and whether it lives in namespaces. */
export interface KindMapping {
  plural: string;
  namespaced: boolean;
}

export interface KubeClientOptions {
  retry?: RetryPolicy;
  /** Seen before each request is sent (method, URL): for counting and logs. */
  onRequest?: (method: string, url: string) => void;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export function refOf(obj: Pick<KubeObject, "apiVersion" | "kind"> & { metadata: { name?: string; namespace?: string | undefined } }): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}

const GERUND: Record<string, string> = { apply: "applying", read: "reading", list: "listing", delete: "deleting", discovery: "looking up" };

export class KubeClient {
  private constructor(
    readonly config: KubeConfig,
    private readonly api: RawObjectApi,
    private readonly retry: RetryPolicy,
  ) {}

  /** Load `path` (a kubeconfig) and select `context` (default: its current-context). */
  static fromKubeconfig(path: string, context?: string, opts: KubeClientOptions = {}): KubeClient {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(path);
    } catch (err) {
      throw new AbortError(`${path}: cannot read the kubeconfig: ${(err as Error).message.split("\n")[0]}`, "check the kubeconfig path (and that the cluster that wrote it exists)");
    }
    if (context !== undefined) {
      if (!kc.getContexts().some((c) => c.name === context)) {
        throw new AbortError(`${path}: no context ${context} (it has ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`, "name one of its contexts");
      }
      kc.setCurrentContext(context);
    }
    if (!kc.getCurrentCluster()) throw new AbortError(`${path}: the kubeconfig has no current cluster`, "name a context");
    const api = RawObjectApi.forConfig(kc);
    api.onRequest = opts.onRequest;
    return new KubeClient(kc, api, opts.retry ?? DEFAULT_RETRY);
  }

  /** The API server's URL from the selected context. */
  get server(): string {
    return this.config.getCurrentCluster()?.server ?? "";
  }

  private call<T>(ref: ObjectRef, action: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    const what = `${GERUND[action] ?? action} ${describeRef(ref)}`;
    const go = () => withRetry(run, { signal, what, policy: this.retry });
    return (signal ? withRequestSignal(signal, go) : go()).catch((err: unknown) => {
      throw kubeError(err, ref, action);
    });
  }

  /** Plural and scope of a kind, from discovery of its group-version (cached; refetched once for a kind it lacks). */
  async mapping(apiVersion: string, kind: string, opts: CallOptions = {}): Promise<KindMapping> {
    const ref = { apiVersion, kind };
    const r = await this.call(ref, "discovery", opts.signal, () => this.api.resourceFor(apiVersion, kind));
    if (!r) throw kubeError(new Error("Unrecognized API version and kind"), ref, "discovery");
    return { plural: r.name, namespaced: r.namespaced };
  }

  /** Forget discovery of a group-version: after a CRD is created or deleted. */
  forget(apiVersion: string): void {
    this.api.forget(apiVersion);
  }

  /** Server-side apply as `hk`; `force` takes over fields another manager holds (for objects hk owns). */
  apply(obj: KubeObject, opts: CallOptions & { force?: boolean; dryRun?: boolean } = {}): Promise<KubeObject> {
    const body = { ...obj, metadata: { ...obj.metadata } };
    delete body.metadata.resourceVersion;
    delete body.metadata.managedFields;
    return this.call(refOf(obj), "apply", opts.signal, () =>
      this.api.serverSideApply(body as unknown as KubernetesObject, { fieldManager: FIELD_MANAGER, force: opts.force ?? true, ...(opts.dryRun ? { dryRun: true } : {}) }),
    ) as Promise<unknown> as Promise<KubeObject>;
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef, opts: CallOptions = {}): Promise<KubeObject | undefined> {
    try {
      return await this.call(ref, "read", opts.signal, () => this.api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name ?? "", ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as unknown as KubeObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Every object of a kind matching the selector, in one namespace or all (namespace undefined),
   * fetched in pages of `limit` (continue tokens). Also returns the list's resourceVersion, to watch from.
   */
  async list(apiVersion: string, kind: string, opts: CallOptions & { labelSelector?: string; fieldSelector?: string; namespace?: string; limit?: number } = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const ref = { apiVersion, kind, namespace: opts.namespace };
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion = "";
    do {
      const page = await this.call(ref, "list", opts.signal, () =>
        this.api.list(apiVersion, kind, opts.namespace, undefined, undefined, undefined, opts.fieldSelector, opts.labelSelector, opts.limit ?? 500, token),
      );
      // Built-in list items come without apiVersion and kind: put them back.
      for (const item of (page.items ?? []) as unknown as KubeObject[]) items.push({ ...item, apiVersion, kind });
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      token = page.metadata?._continue ?? (page.metadata as { continue?: string } | undefined)?.continue;
      if (token === "") token = undefined;
    } while (token !== undefined);
    return { items, resourceVersion };
  }

  /** Ask the server to delete; false when it was already gone. Does not wait (see waitGone). */
  async delete(ref: ObjectRef, opts: CallOptions = {}): Promise<boolean> {
    try {
      await this.call(ref, "delete", opts.signal, () =>
        this.api.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name ?? "", ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, undefined, undefined, undefined, undefined, "Background"),
      );
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
