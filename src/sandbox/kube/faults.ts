// The API server's faults under HK_SANDBOX_FAULTS: the Hetzner emulator's mix (429, 5xx, dropped
// connections, slow answers), where a seeded share of the drops before any effect become a
// restart of the whole server instead (connections refused for a moment, then the same port).
import { seededRandom } from "../../lib/prng.js";
import { faultPlanner, type Fault, type FaultSpec } from "../hcloud/faults.js";

export type KubeFault = Fault | { kind: "restart"; downMs: number };

/** One in five drops-before-effect restarts the server for 300-1000 ms. */
const RESTART_SHARE = 0.2;

export function kubeFaultPlanner(spec: FaultSpec | undefined): () => KubeFault | undefined {
  if (!spec || spec.rate <= 0) return () => undefined;
  const base = faultPlanner(spec);
  const rnd = seededRandom(spec.seed ^ 0x6b756265);
  return () => {
    const fault = base();
    // Draw on every request so the restart choice depends only on the request's position.
    const pick = rnd();
    const down = rnd();
    if (fault?.kind === "drop" && !fault.afterEffect && pick < RESTART_SHARE) return { kind: "restart", downMs: 300 + Math.floor(down * 700) };
    return fault;
  };
}
