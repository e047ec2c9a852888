// Kubernetes failures as one line: the object, the field and what to do. client-node throws
// ApiException with the Status as a raw JSON string in `body`; it never reaches the user as is.
import { ApiException, FetchError } from "@kubernetes/client-node";
import { ExternalError } from "../../engine/errors.js";

/** The object a request was about, to name it in errors: `Deployment demo/web`. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name?: string | undefined;
  namespace?: string | undefined;
}

export function describeRef(ref: ObjectRef): string {
  const where = ref.name === undefined ? (ref.namespace ? ` in ${ref.namespace}` : "") : ` ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
  return `${ref.kind}${where}`;
}

interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: StatusCause[]; retryAfterSeconds?: number };
}

/** The Status a failed request answered with, if its body is one. */
export function parseStatus(body: unknown): Status | undefined {
  try {
    const v: unknown = typeof body === "string" ? JSON.parse(body) : body;
    return typeof v === "object" && v !== null && (v as Status).kind === "Status" ? (v as Status) : undefined;
  } catch {
    return undefined;
  }
}

/** HTTP status of a failed request, or undefined when no answer came. */
export function statusCode(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  if (err instanceof ExternalError) return Number(/^http-(\d+)$/.exec(err.code ?? "")?.[1]) || undefined;
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

/** A connection that failed before an answer: refused, reset, timed out (an API server restarting). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof FetchError) return err.type === "system" || /socket hang up|ECONN|EPIPE|ETIMEDOUT/.test(err.message);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET"].includes(code);
}

function advice(code: number, message: string, ref: ObjectRef): string {
  if (code === 401) return "the kubeconfig's credentials were refused: check the kubeconfig and its context";
  if (code === 403) return "the kubeconfig's user lacks the permission: grant it (RBAC) or use another context";
  if (code === 404) return ref.namespace ? `check that namespace ${ref.namespace} exists and the kind is served` : "check that the kind is served by this cluster";
  if (code === 409 && message.startsWith("Apply failed")) return "another field manager owns these fields: drop them from the config, or let hk take them over";
  if (code === 409) return "another writer got there first: apply again";
  if (code === 422 || code === 400) return "fix the object in the config and apply again";
  if (code === 429 || code >= 500) return "the API server is overloaded or failing: try again later";
  return "check the object in the config";
}

/** One line for a failed request about `ref`, as an ExternalError coded `http-<status>`. */
export function kubeError(err: unknown, ref: ObjectRef, action: string): ExternalError {
  if (err instanceof ExternalError) return err;
  const name = describeRef(ref);
  const unserved = () => new ExternalError(`${name}: ${action} failed: this cluster does not serve ${ref.apiVersion} ${ref.kind} (install its CRD first, or check apiVersion and kind)`, false, "unknown-kind");
  if (isConnectionError(err)) {
    const why = (err as Error).message.replace(/^Failed to fetch resource metadata for [^:]*: /, "").split("\n")[0];
    return new ExternalError(`${name}: ${action} failed: the API server did not answer (${why}); check that the cluster is running`, true, "connection");
  }
  if (err instanceof ApiException && err.code === 404 && err.message.startsWith("Failed to fetch resource metadata")) return unserved();
  if (err instanceof Error && err.message.startsWith("Unrecognized API version and kind")) return unserved();
  if (err instanceof ApiException) {
    const code = err.code;
    const status = parseStatus(err.body);
    const causes = (status?.details?.causes ?? []).filter((c) => c.message !== undefined);
    const what = causes.length > 0
      ? causes.map((c) => (c.field ? `${c.field.replace(/^\./, "")}: ${c.message}` : c.message)).join("; ")
      : (status?.message ?? `HTTP ${code}`).replace(/^.* is invalid: /, "");
    const retryable = code === 429 || code >= 500;
    return new ExternalError(`${name}: ${action} failed: ${what} (${advice(code, status?.message ?? "", ref)})`, retryable, `http-${code}`);
  }
  return new ExternalError(`${name}: ${action} failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
}
