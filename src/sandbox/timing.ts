// The sandbox's timing model. Fast by default, so the whole lifecycle runs in about a minute;
// HK_SANDBOX_TIMING=real/N gives each simulated step its real duration (from the seeds and the
// working cluster's history) divided by N, e.g. real/60 to rehearse the schedule of a real run.
import { AbortError } from "../engine/errors.js";

/** Steps that take time in the real world, with what they take there (ms). */
export const REAL_MS = {
  /** Hetzner action of the image build: write the Talos image, shut down, snapshot (seed 000: about 3 min in all). */
  hcloudAction: 20_000,
  /** kind create cluster: node image, kubeadm, CNI (about a minute). */
  kindCreate: 60_000,
  /** clusterctl init: cert-manager, then the providers' controllers available (about 2 min). */
  providersReady: 120_000,
  /** CAPH: a network, placement group or load balancer made and ready. */
  hcloudInfra: 10_000,
  /** CAPH: a server created and running from the snapshot. */
  serverCreate: 40_000,
  /** Talos boots from the snapshot, applies its machine config, joins (node registered). */
  nodeJoin: 90_000,
  /** CAAPH: one chart installed and its pods running. */
  chartInstall: 30_000,
  /** A node turns Ready once the CNI runs on it. */
  cniReady: 20_000,
  /** A machine's server deleted and its node drained. */
  machineDelete: 30_000,
  /** clusterctl move of one cluster's objects. */
  move: 15_000,
} as const;

export type TimedStep = keyof typeof REAL_MS;

/** The fast defaults: short enough for the suite, long enough to keep the real order of events. */
const FAST_MS: Record<TimedStep, number> = {
  hcloudAction: 200,
  kindCreate: 100,
  providersReady: 100,
  hcloudInfra: 50,
  serverCreate: 150,
  nodeJoin: 200,
  chartInstall: 100,
  cniReady: 50,
  machineDelete: 100,
  move: 50,
};

export interface SandboxTiming {
  /** "fast" or "real/N". */
  readonly name: string;
  ms(step: TimedStep): number;
  /** Resolves after the step's duration; rejects with the signal's reason when aborted first. */
  wait(step: TimedStep, signal?: AbortSignal): Promise<void>;
}

function timing(name: string, table: Record<TimedStep, number>): SandboxTiming {
  return {
    name,
    ms: (step) => table[step],
    wait: (step, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, table[step]);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

/** Parses HK_SANDBOX_TIMING (`fast`, `real`, `real/N` with N ≥ 1); unset is fast. */
export function sandboxTiming(value: string | undefined = process.env.HK_SANDBOX_TIMING): SandboxTiming {
  const v = (value ?? "").trim();
  if (v === "" || v === "fast") return timing("fast", FAST_MS);
  const m = /^real(?:\/(\d+(?:\.\d+)?))?$/.exec(v);
  const divisor = m ? Number(m[1] ?? "1") : NaN;
  if (!m || !(divisor >= 1)) {
    throw new AbortError(`HK_SANDBOX_TIMING="${v}" is not a timing: use fast (the default), real, or real/N with N ≥ 1 (e.g. real/60)`);
  }
  const table = Object.fromEntries(Object.entries(REAL_MS).map(([k, ms]) => [k, Math.round(ms / divisor)])) as Record<TimedStep, number>;
  return timing(divisor === 1 ? "real" : `real/${m[1]}`, table);
}
