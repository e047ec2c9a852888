// Holds a fake stack's calls at a chosen point, so a CLI test can act (Ctrl-C, a second hk,
// SIGKILL) while hk is known to be inside a step, instead of hoping a delay is long enough.
//   HK_FAKE_HOLD_FROM=N   once the fake world holds N changes (creates, updates, deletes), every
//                         call that changed it hangs after its change took effect, before it returns
//   HK_FAKE_RELEASE=PATH  until PATH exists (unset: until hk is killed or aborts the step)
// A hold gives up after HOLD_LIMIT_MS with an error, so an hk whose test died does not hang forever.
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResourceType } from "../../src/engine/resource.js";
import type { JsonObject } from "../../src/engine/values.js";
import type { FakeWorld, FakeWorldData } from "./fake-world.js";

/** The changes a fake world has seen: its create, update and delete log lines. */
export function changeCount(w: FakeWorldData): number {
  return w.log.filter((l) => /^(create|update|delete) /.test(l)).length;
}

const HOLD_LIMIT_MS = 10 * 60_000;

export function holdChanges<T extends ResourceType<JsonObject, JsonObject>>(type: T, world: FakeWorld, env: NodeJS.ProcessEnv = process.env): T {
  const from = Number(env.HK_FAKE_HOLD_FROM ?? 0);
  if (!(from > 0)) return type;
  const release = env.HK_FAKE_RELEASE;
  const hold = async (signal: AbortSignal): Promise<void> => {
    if (changeCount(world.read()) < from) return;
    const limit = Date.now() + HOLD_LIMIT_MS;
    while (!(release && existsSync(release))) {
      if (Date.now() > limit) throw new Error(`fake-hold: not released (${release ?? "no HK_FAKE_RELEASE"}) within ${HOLD_LIMIT_MS / 1000} s`);
      await sleep(10, undefined, { signal });
    }
  };
  return {
    ...type,
    async create(ctx, inputs, owner) {
      const made = await type.create(ctx, inputs, owner);
      await hold(ctx.signal);
      return made;
    },
    async update(ctx, current, desired, changes) {
      const updated = await type.update(ctx, current, desired, changes);
      await hold(ctx.signal);
      return updated;
    },
    async delete(ctx, current) {
      await type.delete(ctx, current);
      await hold(ctx.signal);
    },
  };
}
