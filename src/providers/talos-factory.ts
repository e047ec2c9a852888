// Talos Image Factory client: turn a list of official extensions into a schematic id (the factory
// is content-addressed: the same customization always gives the same id) and name the Hetzner
// disk image of a schematic, version and architecture.
import { z } from "zod";
import { ExternalError } from "../engine/errors.js";
import { backoffDelay, interrupted, sleep } from "./hcloud/pacing.js";

export const DEFAULT_FACTORY_URL = "https://factory.talos.dev";
export const DEFAULT_EXTENSIONS: readonly string[] = ["siderolabs/qemu-guest-agent"];

export interface TalosFactoryOptions {
  /** Base URL; default https://factory.talos.dev (the sandbox passes its emulator). */
  url?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  backoffMs?: { base: number; max: number };
}

export interface TalosFactory {
  readonly url: string;
  /** The schematic id for these official extensions (order does not matter). */
  schematicFor(extensions: readonly string[], signal?: AbortSignal): Promise<string>;
  /** `{url}/image/<schematic>/<version>/hcloud-<arch>.raw.xz` */
  imageUrl(schematicId: string, version: string, arch: "amd64" | "arm64"): string;
}

const schematicAnswer = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) });

export function talosFactory(opts: TalosFactoryOptions = {}): TalosFactory {
  const url = (opts.url ?? DEFAULT_FACTORY_URL).replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoff = opts.backoffMs ?? { base: 500, max: 8_000 };
  const known = new Map<string, Promise<string>>();

  const post = async (extensions: string[], signal: AbortSignal | undefined): Promise<string> => {
    const body = JSON.stringify({ customization: { systemExtensions: { officialExtensions: extensions } } });
    let last = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(attempt - 1, backoff.base, backoff.max), signal);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const res = await fetch(`${url}/schematics`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        const text = await res.text();
        if (res.ok) {
          const parsed = schematicAnswer.safeParse(safeJson(text));
          if (parsed.success) return parsed.data.id;
          throw new ExternalError(`Talos Image Factory ${url}: unexpected answer to POST /schematics`);
        }
        last = `HTTP ${res.status}${text.trim() ? `: ${text.trim().slice(0, 200)}` : ""}`;
        if (res.status < 500 && res.status !== 429) throw new ExternalError(`Talos Image Factory ${url} refused the schematic (${last})`);
      } catch (err) {
        if (signal?.aborted) throw interrupted();
        if (err instanceof ExternalError) throw err;
        last = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "connection failed";
      }
    }
    throw new ExternalError(`Talos Image Factory ${url}: POST /schematics failed ${maxAttempts} times (${last}); hk needs it to build the snapshot: check that it can be reached, or set talos.imageFactory to a mirror or talos.schematicId`, true);
  };

  return {
    url,
    schematicFor(extensions, signal) {
      const sorted = [...new Set(extensions)].sort();
      const key = sorted.join(",");
      let p = known.get(key);
      if (!p) {
        p = post(sorted, signal);
        known.set(key, p);
        p.catch(() => known.delete(key));
      }
      return p;
    },
    imageUrl(schematicId, version, arch) {
      return `${url}/image/${schematicId}/${version}/hcloud-${arch}.raw.xz`;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
