// The API's error envelope as a value: handlers throw ApiError, the HTTP layer renders
// {"error":{"code","message","details"}} with `details` always present (python-hcloud reads it by key).

export type Details = Record<string, unknown> | null;

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Details = null,
  ) {
    super(message);
  }

  toJSON(): { error: { code: string; message: string; details: Details } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} not found`);
}

/** 422 invalid_input naming the offending fields, worded like the real API. */
export function invalidInput(fields: Record<string, string[]>): ApiError {
  const names = Object.keys(fields);
  const quoted = names.map((n) => `'${n}'`).join(", ");
  const first = fields[names[0] ?? ""]?.[0];
  const message =
    names.length === 1 && first ? `invalid input in field ${quoted}: ${first}` : `invalid input in fields ${quoted}`;
  return new ApiError(422, "invalid_input", message, {
    fields: names.map((name) => ({ name, messages: fields[name] ?? [] })),
  });
}

export function uniqueness(field: string, message?: string): ApiError {
  return new ApiError(409, "uniqueness_error", message ?? `${field} is already used`, { fields: [{ name: field }] });
}

export function locked(what: string): ApiError {
  return new ApiError(423, "locked", `${what} is locked: an action is still running on it`);
}

export function protectedFrom(what: string, op = "delete"): ApiError {
  return new ApiError(423, "protected", `cannot ${op} ${what}: protection is enabled`);
}

/** An operation-specific 4xx code from the spec's "Operation specific errors" tables. */
export function opError(status: number, code: string, message: string, details: Details = null): ApiError {
  return new ApiError(status, code, message, details);
}
