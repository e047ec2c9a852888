// The wire details of the API: request URLs with their query, and the error envelope
// `{"error":{"code","message","details"}}`, read leniently: a body that is not that shape (a
// proxy's HTML page, an empty 502) still gives a code and a message. Messages reaching here are
// already scrubbed of the token.
import { AbortError, ExternalError } from "../../engine/errors.js";

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/** `base + path + ?query`; array values repeat the key (`id=1&id=2`), undefined ones are left out. */
export function buildUrl(base: string, path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) params.append(k, String(x));
    else params.append(k, String(v));
  }
  const qs = params.toString();
  return `${base}${path}${qs ? `?${qs}` : ""}`;
}

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
}

const FALLBACK_CODES: Record<number, string> = { 401: "unauthorized", 404: "not_found", 423: "locked", 429: "rate_limit_exceeded", 500: "server_error", 502: "bad_gateway", 503: "unavailable", 504: "timeout" };

export function apiError(status: number, text: string): ApiFailure {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = body.error?.code;
    const message = body.error?.message;
    if (typeof code === "string" && code !== "") return { status, code, message: typeof message === "string" && message !== "" ? message : code };
  } catch {
    // not JSON: fall through
  }
  const code = FALLBACK_CODES[status] ?? `http_${status}`;
  return { status, code, message: `HTTP ${status}` };
}

/** A 401: the token is wrong or read-only; the user must fix it, nothing has changed yet. */
export function unauthorizedError(err: ApiFailure): AbortError {
  if (err.code === "token_readonly") {
    return new AbortError("HCLOUD_TOKEN is a read-only token; hk needs to create and delete objects", "create a Read & Write API token in the Hetzner Cloud console and export HCLOUD_TOKEN=<it>");
  }
  return new AbortError(
    `Hetzner Cloud rejected the API token in HCLOUD_TOKEN (${err.message})`,
    "check that HCLOUD_TOKEN holds a current Read & Write token of the right project (Hetzner Cloud console → Security → API tokens)",
  );
}

export function externalError(what: string, err: ApiFailure, retryable = false, attempts?: number): ExternalError {
  const tail = attempts === undefined ? "" : `, ${attempts} attempts`;
  return new ExternalError(`Hetzner Cloud API ${what}: ${err.message} (${err.code}${tail})`, retryable, err.code);
}
