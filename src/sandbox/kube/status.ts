// Status errors as the real apiserver words them: reason, code and message are what kubectl prints
// ("Error from server (NotFound): secrets "x" not found") and what clients switch on.
import type { KindInfo, StatusCause } from "./types.js";

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `secrets` for core kinds, `clusters.cluster.x-k8s.io` otherwise: how messages name a resource. */
export function resourceName(kind: KindInfo): string {
  return kind.group === "" ? kind.plural : `${kind.plural}.${kind.group}`;
}

/** `Secret` for core kinds, `Cluster.cluster.x-k8s.io` otherwise: how Invalid messages name a kind. */
function qualifiedKind(kind: KindInfo): string {
  return kind.group === "" ? kind.kind : `${kind.kind}.${kind.group}`;
}

function details(kind: KindInfo, name: string, plural = true): StatusDetails {
  return { name, ...(kind.group ? { group: kind.group } : {}), kind: plural ? kind.plural : kind.kind };
}

export const errors = {
  notFound: (kind: KindInfo, name: string) => new StatusError(404, "NotFound", `${resourceName(kind)} "${name}" not found`, details(kind, name)),
  alreadyExists: (kind: KindInfo, name: string) => new StatusError(409, "AlreadyExists", `${resourceName(kind)} "${name}" already exists`, details(kind, name)),
  conflict: (kind: KindInfo, name: string) =>
    new StatusError(409, "Conflict", `Operation cannot be fulfilled on ${resourceName(kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, details(kind, name)),
  invalid: (kind: KindInfo, name: string, causes: StatusCause[]) => invalidOf(qualifiedKind(kind), name, causes, details(kind, name, false)),
  badRequest: (message: string) => new StatusError(400, "BadRequest", message),
  forbidden: (kind: KindInfo, name: string, message: string) =>
    new StatusError(403, "Forbidden", `${resourceName(kind)} "${name}" is forbidden: ${message}`, details(kind, name)),
  methodNotAllowed: () => new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
  unsupportedMediaType: (type: string) => new StatusError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${type ? `, got ${type}` : ""}`),
  resourceNotFound: () => new StatusError(404, "NotFound", "the server could not find the requested resource", {}),
  unauthorized: () => new StatusError(401, "Unauthorized", "Unauthorized"),
  expired: (rv: string, oldest: number) => new StatusError(410, "Expired", `too old resource version: ${rv} (${oldest})`),
  gone: (message: string) => new StatusError(410, "Expired", message),
  tooManyRequests: () => new StatusError(429, "TooManyRequests", "Too many requests, please try again later.", { retryAfterSeconds: 1 }),
  serverError: (code: number) =>
    code === 503
      ? new StatusError(503, "ServiceUnavailable", "the server is currently unable to handle the request")
      : code === 504
        ? new StatusError(504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request")
        : new StatusError(code, "InternalError", "Internal error occurred: the sandbox is having a bad day; try again"),
};

/** 422 Invalid: `Kind.group "name" is invalid: field: message` (several causes in brackets, as an error list). */
export function invalidOf(kindLabel: string, name: string, causes: StatusCause[], det: StatusDetails): StatusError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? (parts[0] ?? "") : `[${parts.join(", ")}]`;
  return new StatusError(422, "Invalid", `${kindLabel} "${name}" is invalid: ${list}`, { ...det, causes });
}

/** The Success Status a DELETE answers when the object is gone at once. */
export function deletedStatus(kind: KindInfo, name: string, uid: string | undefined): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { ...details(kind, name), ...(uid ? { uid } : {}) } };
}
