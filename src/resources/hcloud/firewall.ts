// hcloud_firewall: the cluster's firewall, applied by label selector so servers CAPI adds later
// are covered the moment they exist. Rules, name and labels change in place.
import { z } from "zod";
import { CreateFailedError, ExternalError } from "../../engine/errors.js";
import type { Change, Discovered, Found, Owner, ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import {
  applyFirewall,
  createFirewall,
  deleteFirewall,
  getFirewall,
  isNotFound,
  listFirewalls,
  removeFirewallFrom,
  setFirewallRules,
  updateFirewall,
  type ApplyTo,
  type Firewall,
  type HcloudClient,
} from "../../providers/hcloud/index.js";
import { sleep } from "../../providers/hcloud/pacing.js";
import { firewallRuleInput, ruleFromApi, ruleToApi } from "./firewall-rules.js";
import { ADDRESS_LABEL, labelsInput, labelValue, ownerLabels, ownerMark, selector, STACK_LABEL, userLabels } from "./labels.js";
import { jsonInputs } from "./json-schema.js";
import { readManyByLabel } from "./read-many.js";

export const firewallInputs = jsonInputs(
  z.object({
  name: z.string().min(1).max(128),
  rules: z.array(firewallRuleInput).max(50).default([]),
  /** Servers this selects get the firewall; default `caph-cluster-<stack>=owned` (CAPH's label on its servers). */
  applyToLabelSelector: z.string().min(1).exactOptional(),
  labels: labelsInput.default({}),
  }),
);
export type FirewallInputs = z.output<typeof firewallInputs>;

export const firewallOutputs = z.object({ firewallId: z.number(), name: z.string(), labelSelector: z.string() });
export type FirewallOutputs = z.output<typeof firewallOutputs>;

export interface FirewallDeps {
  client: HcloudClient;
  /** How long delete retries while the API still says `resource_in_use`. */
  inUseRetryMs?: number;
}

export function defaultSelector(stack: string): string {
  return `caph-cluster-${stack}=owned`;
}

function selectorsOf(fw: Firewall): string[] {
  return fw.applied_to.flatMap((a) => (a.type === "label_selector" && a.label_selector ? [a.label_selector.selector] : []));
}

/**
 * Read from the firewall, never declared (the config's schema drops it): what it is applied to
 * besides label selectors, e.g. a server someone added with `hcloud firewall apply-to-resource`.
 * hk applies the firewall by selector only, so an entry here is drift, removed by the next apply.
 */
const EXTRA = "alsoAppliedTo";

function directServers(fw: Firewall): number[] {
  return fw.applied_to.flatMap((a) => (a.type === "server" && a.server ? [a.server.id] : []));
}

function observe(fw: Firewall, known: { inputs?: Partial<FirewallInputs>; outputs?: Partial<FirewallOutputs> }): { inputs: FirewallInputs; outputs: FirewallOutputs } {
  const selectors = selectorsOf(fw);
  const defaulted = known.inputs !== undefined && known.inputs.applyToLabelSelector === undefined;
  const expected = known.outputs?.labelSelector;
  const labelSelector = selectors[0] ?? "";
  const inputs: FirewallInputs = { name: fw.name, rules: fw.rules.map(ruleFromApi), labels: userLabels(fw.labels) };
  // A selector hk chose by default reads back as "not declared", so it shows no drift.
  if (!(defaulted && selectors.length === 1 && labelSelector === expected)) {
    if (selectors.length === 1) inputs.applyToLabelSelector = labelSelector;
    else if (selectors.length > 1) inputs.applyToLabelSelector = selectors.join(" | ");
  }
  const direct = directServers(fw);
  if (direct.length > 0) Object.assign(inputs, { [EXTRA]: direct.map((id) => `server ${id}`) });
  return { inputs, outputs: { firewallId: fw.id, name: fw.name, labelSelector } };
}

const bySelector = (s: string): ApplyTo => ({ type: "label_selector", label_selector: { selector: s } });

/**
 * Run an apply/remove whose retry after an unclear answer may find the work already done
 * (`firewall_already_applied`, `firewall_resource_not_found`): that counts as done.
 */
async function idempotent(run: () => Promise<void>, doneCodes: readonly string[]): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof ExternalError && err.code !== undefined && doneCodes.includes(err.code))) throw err;
  }
}

export function firewallType(deps: FirewallDeps): ResourceType<FirewallInputs, FirewallOutputs> {
  const api = (ctx: StepContext) => deps.client.withSignal(ctx.signal);
  return {
    type: "hcloud_firewall",
    inputs: firewallInputs,
    outputs: firewallOutputs,

    async read(ctx, current): Promise<ReadResult<FirewallInputs, FirewallOutputs>> {
      const fw = await getFirewall(api(ctx), Number(current.id));
      return fw ? { status: "found", ...observe(fw, current) } : { status: "gone" };
    },

    readMany(ctx, current) {
      return readManyByLabel(ctx, current, {
        list: (sel) => listFirewalls(api(ctx), { labelSelector: sel }),
        get: (id) => getFirewall(api(ctx), id),
        observe: (fw, cur) => observe(fw, cur),
      });
    },

    async find(ctx, owner: Owner, desired): Promise<Found<FirewallInputs, FirewallOutputs> | undefined> {
      const [fw] = await listFirewalls(api(ctx), { name: desired.name });
      if (!fw || fw.labels?.[ADDRESS_LABEL] !== labelValue(owner.address) || fw.labels[STACK_LABEL] !== labelValue(owner.stack)) return undefined;
      const lineage = ownerMark(fw.labels, owner);
      const observed = observe(fw, { inputs: desired, outputs: { labelSelector: desired.applyToLabelSelector ?? defaultSelector(owner.stack) } });
      return { id: String(fw.id), ...observed, ...(lineage !== undefined ? { lineage } : {}) };
    },

    async mark(ctx, current, owner) {
      const c = api(ctx);
      const fw = await getFirewall(c, Number(current.id));
      if (!fw) throw new ExternalError(`firewall ${current.id} is gone`, false, "not_found");
      await updateFirewall(c, fw.id, { labels: { ...fw.labels, ...ownerLabels(owner) } });
    },

    async create(ctx, inputs, owner) {
      const c = api(ctx);
      const labelSelector = inputs.applyToLabelSelector ?? defaultSelector(owner.stack);
      ctx.progress(`creating firewall ${inputs.name} for servers matching ${labelSelector}`);
      const { firewall, actions } = await createFirewall(c, {
        name: inputs.name,
        labels: { ...inputs.labels, ...ownerLabels(owner) },
        rules: inputs.rules.map(ruleToApi),
        apply_to: [bySelector(labelSelector)],
      });
      const outputs: FirewallOutputs = { firewallId: firewall.id, name: firewall.name, labelSelector };
      try {
        await c.waitActions(actions);
      } catch (err) {
        throw new CreateFailedError(`firewall ${firewall.id} was created but applying it failed: ${(err as Error).message}`, { id: String(firewall.id), outputs }, { cause: err });
      }
      return { id: String(firewall.id), outputs };
    },

    async update(ctx, current, desired, changes: readonly Change[]) {
      const c = api(ctx);
      const id = Number(current.id);
      const touched = (p: string) => changes.some((ch) => ch.path === "" || ch.path === p || ch.path.startsWith(`${p}.`));
      if (touched("rules")) {
        ctx.progress("replacing the rules");
        await c.waitActions(await setFirewallRules(c, id, desired.rules.map(ruleToApi)));
      }
      const fw = await getFirewall(c, id);
      if (!fw) throw new ExternalError(`firewall ${id} is gone`, false, "not_found");
      const own = Object.fromEntries(Object.entries(fw.labels ?? {}).filter(([k]) => k.startsWith("hk/")));
      if (touched("name") || touched("labels")) {
        ctx.progress("updating name and labels");
        await updateFirewall(c, id, { name: desired.name, labels: { ...desired.labels, ...own } });
      }
      const stack = own[STACK_LABEL];
      const wanted = desired.applyToLabelSelector ?? (stack === undefined ? current.outputs.labelSelector : defaultSelector(stack));
      const applied = selectorsOf(fw);
      if (!applied.includes(wanted)) {
        ctx.progress(`applying it to servers matching ${wanted}`);
        await idempotent(async () => c.waitActions(await applyFirewall(c, id, [bySelector(wanted)])), ["firewall_already_applied"]);
      }
      const stale = applied.filter((s) => s !== wanted);
      if (stale.length > 0) await idempotent(async () => c.waitActions(await removeFirewallFrom(c, id, stale.map(bySelector))), ["firewall_resource_not_found"]);
      const direct = directServers(fw);
      if (direct.length > 0) {
        ctx.progress(`removing it from ${direct.length} server${direct.length === 1 ? "" : "s"} it was applied to directly (${direct.join(", ")})`);
        const from = direct.map((s): ApplyTo => ({ type: "server", server: { id: s } }));
        await idempotent(async () => c.waitActions(await removeFirewallFrom(c, id, from)), ["firewall_resource_not_found"]);
      }
      return { outputs: { firewallId: id, name: desired.name, labelSelector: wanted } };
    },

    async delete(ctx, current) {
      const c = api(ctx);
      const id = Number(current.id);
      const fw = await getFirewall(c, id);
      if (!fw) return;
      const from: ApplyTo[] = fw.applied_to.flatMap((a): ApplyTo[] => {
        if (a.type === "label_selector" && a.label_selector) return [bySelector(a.label_selector.selector)];
        if (a.type === "server" && a.server) return [{ type: "server", server: { id: a.server.id } }];
        return [];
      });
      if (from.length > 0) {
        const what = from.map((a) => (a.type === "label_selector" ? `the servers matching ${a.label_selector.selector}` : `server ${a.server.id}`));
        ctx.progress(`removing it from ${what.join(", ")}`);
        await idempotent(async () => c.waitActions(await removeFirewallFrom(c, id, from)), ["firewall_resource_not_found"]);
      }
      const deadline = Date.now() + (deps.inUseRetryMs ?? 30_000);
      for (let attempt = 1; ; attempt++) {
        try {
          return await deleteFirewall(c, id);
        } catch (err) {
          if (isNotFound(err)) return;
          const inUse = err instanceof ExternalError && err.code === "resource_in_use";
          if (!inUse || Date.now() > deadline) throw err;
          ctx.progress("still in use; waiting for the removal to settle");
          await sleep(Math.min(5_000, 250 * attempt), ctx.signal);
        }
      }
    },

    async discover(ctx, stack): Promise<Discovered<FirewallInputs, FirewallOutputs>[]> {
      const found = await listFirewalls(api(ctx), { labelSelector: selector({ [STACK_LABEL]: labelValue(stack) }) });
      return found.map((fw) => {
        const lineage = ownerMark(fw.labels);
        return { id: String(fw.id), name: fw.name.replace(/[^A-Za-z0-9_-]/g, "_") || String(fw.id), ...observe(fw, {}), ...(lineage !== undefined ? { lineage } : {}) };
      });
    },
  };
}
