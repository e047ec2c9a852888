// hk plan: refresh, diff, show; optionally save the plan and report changes in the exit code.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { AbortError } from "../../engine/errors.js";
import { savePlan } from "../../engine/plan-file.js";
import { hasChanges } from "../../engine/plan.js";
import { makePlan } from "../apply-service.js";
import { sameStateFlags, type PlanningOptions } from "../options.js";
import { createOutput } from "../output.js";
import { openSession } from "../session.js";

interface Options extends PlanningOptions {
  destroy: boolean;
  out?: string;
  detailedExitcode: boolean;
}

const NO_FOLDER = "pick a file in a folder that exists and that you can write to";

export default async function plan(opts: Options): Promise<number> {
  // Before the refresh, not after it: a typo in --out should not cost a plan.
  if (opts.out && !existsSync(dirname(opts.out))) throw new AbortError(`--out ${opts.out}: the folder ${dirname(opts.out)} does not exist`, NO_FOLDER);
  const out = await createOutput(opts);
  const session = await openSession(opts, opts.destroy ? "hk plan --destroy" : "hk plan");
  try {
    const { plan } = await makePlan(session, out, opts.destroy ? "destroy" : "apply", opts, new AbortController().signal);
    if (opts.out) {
      await savePlan(opts.out, plan).catch((err: NodeJS.ErrnoException) => {
        throw new AbortError(`--out ${opts.out}: cannot write the plan there (${err.code ?? err.message})`, NO_FOLDER);
      });
      out.say(`Saved the plan to ${opts.out}. To apply exactly it, run: hk apply ${opts.out}${sameStateFlags(opts)}`);
    }
    return opts.detailedExitcode && hasChanges(plan) ? 2 : 0;
  } finally {
    await session.close();
  }
}
