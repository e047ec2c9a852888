// Errors as values with a kind: only the CLI entry point turns them into exit codes and text.
//
// `instanceof` goes by a brand, not by class identity: a resource type in a config or plugin may
// import these classes from another copy of hk (the published package next to a checkout, src
// next to dist), and a CreateFailedError from there must still be recognised as one.

const BRAND = Symbol.for("hkctl.error-kind");

function branded(kind: string) {
  return (value: unknown): boolean => typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === kind;
}

/** The user must fix something (config, flags, state file, credentials); `next` says what to do. */
export class AbortError extends Error {
  static override [Symbol.hasInstance] = branded("AbortError");
  override readonly name = "AbortError";
  readonly [BRAND] = "AbortError";
  constructor(
    message: string,
    readonly next?: string,
  ) {
    super(message);
  }
}

/** A remote system (API, CLI) refused or failed; `retryable` when trying again may help. */
export class ExternalError extends Error {
  static override [Symbol.hasInstance] = branded("ExternalError");
  override readonly name = "ExternalError";
  readonly [BRAND] = "ExternalError";
  constructor(
    message: string,
    readonly retryable = false,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** hk itself is wrong: an invariant broke. Reported with a request to file an issue. */
export class BugError extends Error {
  static override [Symbol.hasInstance] = branded("BugError");
  override readonly name = "BugError";
  readonly [BRAND] = "BugError";
}

/**
 * Thrown by a resource's create when the create failed part way. The rule every resource type
 * follows: a failed create created nothing, or throws this naming what it left behind, so the
 * engine can record it (as tainted) and replace or delete it on the next run.
 */
export class CreateFailedError extends Error {
  static override [Symbol.hasInstance] = branded("CreateFailedError");
  override readonly name = "CreateFailedError";
  readonly [BRAND] = "CreateFailedError";
  constructor(
    message: string,
    readonly left: { id: string; outputs: Record<string, unknown> },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
