// The API's error envelope `{"error":{"code","message","details"}}`, read leniently: a body that is
// not that shape (a proxy's HTML page, an empty 502) still gives a code and a message.

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
