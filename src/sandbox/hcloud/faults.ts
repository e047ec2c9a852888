// Seeded fault injection: a fraction `rate` of API requests go wrong, in a sequence fixed by `seed`
// (the n-th request of a run always gets the same fate). Kinds, mixed evenly: 429 rate_limit_exceeded,
// a 5xx (500/502/503/504) before anything happened, a dropped connection (half of them after the
// request took effect, so the caller cannot know), and a slow answer (1-3 s, then normal).
import { seededRandom } from "../../lib/prng.js";

export interface FaultSpec {
  rate: number;
  seed: number;
}

export type Fault =
  | { kind: "rate_limit" }
  | { kind: "server_error"; status: 500 | 502 | 503 | 504 }
  | { kind: "drop"; afterEffect: boolean }
  | { kind: "slow"; delayMs: number };

const STATUSES = [500, 502, 503, 504] as const;

export function faultPlanner(spec: FaultSpec): () => Fault | undefined {
  const rnd = seededRandom(spec.seed);
  return () => {
    // Always draw the same number of values per request so one request's fate never shifts the next.
    const hit = rnd();
    const kind = rnd();
    const detail = rnd();
    if (hit >= spec.rate) return undefined;
    if (kind < 0.25) return { kind: "rate_limit" };
    if (kind < 0.5) return { kind: "server_error", status: STATUSES[Math.floor(detail * 4)] ?? 500 };
    if (kind < 0.75) return { kind: "drop", afterEffect: detail < 0.5 };
    return { kind: "slow", delayMs: 1000 + Math.floor(detail * 2000) };
  };
}

/** Parses `HK_SANDBOX_FAULTS="rate=0.1,seed=42"`; undefined when unset or empty. */
export function parseFaultSpec(text: string | undefined): FaultSpec | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const fields = new Map<string, string>();
  for (const part of text.split(",")) {
    const [k = "", v = ""] = part.split("=").map((s) => s.trim());
    fields.set(k, v);
  }
  const rate = Number(fields.get("rate"));
  const seed = fields.has("seed") ? Number(fields.get("seed")) : 1;
  if (!Number.isFinite(rate) || rate < 0 || rate > 1 || !Number.isInteger(seed)) {
    throw new Error(`HK_SANDBOX_FAULTS="${text}": expected "rate=<0..1>,seed=<integer>"`);
  }
  return { rate, seed };
}
