// Errors as values with a kind: only the CLI entry point turns them into exit codes and text.

/** The user must fix something (config, flags, state file, credentials); `next` says what to do. */
export class AbortError extends Error {
  override readonly name = "AbortError";
  constructor(
    message: string,
    readonly next?: string,
  ) {
    super(message);
  }
}

/** A remote system (API, CLI) refused or failed; `retryable` when trying again may help. */
export class ExternalError extends Error {
  override readonly name = "ExternalError";
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
  override readonly name = "BugError";
}

/**
 * Thrown by a resource's create when the create failed part way. The rule every resource type
 * follows: a failed create created nothing, or throws this naming what it left behind, so the
 * engine can record it (as tainted) and replace or delete it on the next run.
 */
export class CreateFailedError extends Error {
  override readonly name = "CreateFailedError";
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
