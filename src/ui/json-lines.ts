// `--json`: every engine event as one JSON object per line, `{"type", "time", ...fields}`, for
// scripts and CI. The schema is documented in the README; fields are only ever added, never renamed.
import type { EngineEvent, Listener } from "../engine/events.js";

/** Writes each event as one line; `now` stamps the time (ISO 8601, UTC). */
export function jsonListener(stream: NodeJS.WritableStream, now: () => Date = () => new Date()): Listener {
  return (event: EngineEvent) => {
    stream.write(jsonLine(event, now()) + "\n");
  };
}

/** One event as its JSON line (without the newline); `type` and `time` come first. */
export function jsonLine(event: EngineEvent, time: Date): string {
  const { type, ...fields } = event;
  return JSON.stringify({ type, time: time.toISOString(), ...fields }, (_key, value: unknown) =>
    // Errors cannot be serialised as they are: keep their message. Undefined fields are dropped.
    value instanceof Error ? value.message : value,
  );
}
