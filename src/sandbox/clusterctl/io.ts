// The streams of the sandbox's clusterctl and its log format: logs on stderr as
// `Message key="value"` (values JSON-encoded, numbers bare), data on stdout.
export interface Io {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function logLine(message: string, fields: Record<string, string | number> = {}): string {
  const kv = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "number" ? v : JSON.stringify(v)}`);
  return [message, ...kv].join(" ") + "\n";
}

/** Seconds as Go prints a time.Duration: 300 → 5m0s, 90 → 1m30s, 30 → 30s. */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
