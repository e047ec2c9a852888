// client-node's KubernetesObjectApi, answering with the server's JSON as it is. The stock class
// turns built-in kinds into its model classes (timestamps as Date, unknown fields dropped), which
// would make hk diff its own rendering instead of what the server holds. Every request also
// carries the step's AbortSignal, taken from an async scope so one instance serves concurrent steps.
import { AsyncLocalStorage } from "node:async_hooks";
import { Agent as HttpsAgent } from "node:https";
import {
  ApiException,
  HttpMethod,
  KubernetesObjectApi,
  PatchStrategy,
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
  type V1APIResource,
} from "@kubernetes/client-node";

const scope = new AsyncLocalStorage<AbortSignal>();

/** Run `fn` with every request it makes cancelled by `signal`. */
export function withRequestSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return scope.run(signal, fn);
}

export class RawObjectApi extends KubernetesObjectApi {
  /** Called before each request is sent (method and path), e.g. to count calls. */
  onRequest: ((method: string, url: string) => void) | undefined;

  static forConfig(kc: KubeConfig): RawObjectApi {
    const api = kc.makeApiClient(RawObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  /** apiVersion+kind → the server's APIResource (plural, namespaced), cached per group-version. */
  async resourceFor(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** Forget what discovery said about a group-version (a CRD was just created or removed). */
  forget(apiVersion: string): void {
    delete this.apiVersionResourceCache[apiVersion];
  }

  /**
   * Server-side apply of `spec` as JSON, unlike the stock patch, which passes built-in kinds
   * through client-node's models and silently drops fields they do not know (a typo would never
   * reach the server). `fieldValidation=Strict` makes the server refuse unknown fields, as kubectl does.
   */
  async serverSideApply<T extends KubernetesObject>(spec: T, opts: { fieldManager: string; force: boolean; dryRun?: boolean }): Promise<T> {
    const path = await this.specUriPath({ ...spec, metadata: { ...spec.metadata } }, "patch");
    const ctx = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    ctx.setHeaderParam("Accept", "application/json, */*;q=0.8");
    ctx.setHeaderParam("Content-Type", PatchStrategy.ServerSideApply);
    ctx.setQueryParam("fieldManager", opts.fieldManager);
    ctx.setQueryParam("fieldValidation", "Strict");
    ctx.setQueryParam("force", String(opts.force));
    if (opts.dryRun) ctx.setQueryParam("dryRun", "All");
    ctx.setBody(JSON.stringify(spec));
    return this.requestPromise<T>(ctx);
  }

  private shared: HttpsAgent | undefined;

  /**
   * client-node makes a new https.Agent for every request, so every call paid a TLS handshake
   * (a client certificate's, under load tens of milliseconds). One keep-alive agent with the same
   * TLS options serves every request of this client instead: its kubeconfig never changes.
   */
  private keepAlive(agent: unknown): unknown {
    if (!(agent instanceof HttpsAgent)) return agent;
    this.shared ??= new HttpsAgent({ ...(agent as HttpsAgent & { options: object }).options, keepAlive: true, maxSockets: 16 });
    return this.shared;
  }

  protected override async requestPromise<T extends KubernetesObject>(ctx: RequestContext, type?: string, options?: Configuration): Promise<T> {
    const signal = scope.getStore();
    if (signal) ctx.setSignal(signal);
    const setAgent = ctx.setAgent.bind(ctx);
    ctx.setAgent = (agent) => setAgent(this.keepAlive(agent) as typeof agent);
    this.onRequest?.(ctx.getHttpMethod().toString(), ctx.getUrl());
    return super.requestPromise<T>(ctx, type, options);
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      return (text === "" ? {} : JSON.parse(text)) as T;
    }
    throw new ApiException(response.httpStatusCode, "Unsuccessful HTTP Request", text, response.headers);
  }
}
