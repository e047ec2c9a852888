// How the sandbox's clusterctl reaches a cluster: through a kubeconfig and client-node, over HTTP,
// as the real one does through controller-runtime. Create-or-merge-patch like clusterctl's
// component installer, reads that answer undefined on 404, and polled waits with a deadline.
import { ApiException, HttpMethod, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { ClusterctlError } from "./providers.js";
import type { Obj } from "./components.js";

const POLL_MS = 200;
/** clusterctl retries every API call with exponential backoff (its retryWithExponentialBackoff): a dropped connection or a 5xx is not an error yet. */
const ATTEMPTS = 8;

function transient(err: unknown): boolean {
  const code = statusOf(err);
  if (code !== undefined) return code === 429 || code >= 500;
  return /socket hang up|ECONN|EPIPE|ETIMEDOUT|network|fetch failed/i.test(err instanceof Error ? `${err.message} ${String((err as { code?: unknown }).code ?? "")}` : String(err));
}

async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= ATTEMPTS || !transient(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
    }
  }
}

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** The Status message of an API error, or the error's own first line. */
export function errorText(err: unknown): string {
  if (err instanceof ApiException) {
    try {
      const body = JSON.parse(String(err.body)) as { message?: string };
      if (body.message) return body.message;
    } catch {
      // not a Status body: fall through
    }
    return `the server answered ${err.code}`;
  }
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}

/**
 * client-node's object API, but creates and merge patches go out as the JSON given: the stock
 * methods pass built-in kinds through its models, which drop what they do not model, such as a
 * CRD schema's x-kubernetes-preserve-unknown-fields (clusterctl sends the manifests as they are).
 */
class JsonObjectApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig): JsonObjectApi {
    const api = kc.makeApiClient(JsonObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  async send(obj: KubernetesObject, action: "create" | "patch", manager: string): Promise<unknown> {
    const path = await this.specUriPath({ ...obj, metadata: { ...obj.metadata } }, action);
    const ctx = this.configuration.baseServer.makeRequestContext(path, action === "create" ? HttpMethod.POST : HttpMethod.PATCH);
    ctx.setHeaderParam("Accept", "application/json");
    ctx.setHeaderParam("Content-Type", action === "create" ? "application/json" : PatchStrategy.MergePatch);
    ctx.setQueryParam("fieldManager", manager);
    ctx.setBody(JSON.stringify(obj));
    return this.requestPromise(ctx);
  }
}

export class ClusterClient {
  private constructor(
    readonly server: string,
    private readonly api: JsonObjectApi,
  ) {}

  /** `path` empty: $KUBECONFIG or ~/.kube/config, as clusterctl's --kubeconfig default. */
  static open(path: string | undefined, context: string | undefined): ClusterClient {
    const kc = new KubeConfig();
    try {
      if (path) kc.loadFromFile(path);
      else kc.loadFromDefault();
    } catch (err) {
      throw new ClusterctlError(`failed to load Kubeconfig file from "${path ?? "$KUBECONFIG"}": ${errorText(err)}`);
    }
    if (context) {
      if (!kc.getContexts().some((c) => c.name === context)) throw new ClusterctlError(`failed to load Kubeconfig: context "${context}" does not exist`);
      kc.setCurrentContext(context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new ClusterctlError(`invalid kubeconfig ${path ?? ""}: no current context`);
    return new ClusterClient(cluster.server, JsonObjectApi.forConfig(kc));
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<Obj | undefined> {
    try {
      return (await retried(() => this.api.read({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }))) as unknown as Obj;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.failed(`read ${kind} ${namespace ? `${namespace}/` : ""}${name}`, err);
    }
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<Obj[]> {
    try {
      const list = await retried(() => this.api.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector));
      return list.items as unknown as Obj[];
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw this.failed(`list ${kind}`, err);
    }
  }

  /** Creates the object, or merge-patches it onto what is there. */
  async ensure(obj: Obj): Promise<void> {
    const body = obj as unknown as KubernetesObject;
    try {
      await retried(() => this.api.send(body, "create", "clusterctl"));
    } catch (err) {
      if (statusOf(err) !== 409) throw this.failed(`create ${obj.kind} ${obj.metadata.name}`, err);
      try {
        await retried(() => this.api.send(body, "patch", "clusterctl"));
      } catch (err2) {
        throw this.failed(`patch ${obj.kind} ${obj.metadata.name}`, err2);
      }
    }
  }

  /** `ignoreNotFound`: an object gone meanwhile (collected with its owner) is not an error, as in clusterctl's deletes. */
  async mergePatch(obj: Obj, opts: { ignoreNotFound?: boolean } = {}): Promise<void> {
    try {
      await retried(() => this.api.send(obj as unknown as KubernetesObject, "patch", "clusterctl"));
    } catch (err) {
      if (opts.ignoreNotFound && statusOf(err) === 404) return;
      throw this.failed(`patch ${obj.kind} ${obj.metadata.name}`, err);
    }
  }

  async delete(obj: Obj): Promise<void> {
    try {
      await retried(() => this.api.delete(obj as unknown as KubernetesObject));
    } catch (err) {
      if (statusOf(err) !== 404) throw this.failed(`delete ${obj.kind} ${obj.metadata.name}`, err);
    }
  }

  /** Polls `check` until true; on the deadline throws `message`. */
  async waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (Date.now() >= deadline) throw new ClusterctlError(message);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async deploymentAvailable(namespace: string, name: string): Promise<boolean> {
    const d = await this.get("apps/v1", "Deployment", namespace, name);
    const conditions = ((d?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
    return conditions.some((c) => c.type === "Available" && c.status === "True");
  }

  private failed(what: string, err: unknown): ClusterctlError {
    const code = (err as { code?: string }).code;
    if (code === "ECONNREFUSED" || /ECONNREFUSED|connect/i.test(errorText(err))) {
      return new ClusterctlError(`failed to connect to the management cluster at ${this.server}: ${errorText(err)}`);
    }
    return new ClusterctlError(`failed to ${what}: ${errorText(err)}`);
  }
}
