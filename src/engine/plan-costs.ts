// The money side of a plan: what creating adds to the monthly bill and what deleting saves,
// priced by the resource types themselves (from the provider's own price list).
import type { Stack } from "./declaration.js";
import type { EventBus } from "./events.js";
import type { CostLine, PlanEntry } from "./plan.js";
import type { Registry } from "./resource.js";
import { AbortError, errorMessage } from "./errors.js";
import { hasUnknown, type JsonObject } from "./values.js";

export async function planCosts(entries: readonly PlanEntry[], registry: Registry, stack: Stack, fromNothing: boolean, bus: EventBus): Promise<CostLine[]> {
  const lines: CostLine[] = [];
  const price = async (e: PlanEntry, inputs: unknown, sign: 1 | -1) => {
    const type = registry.get(e.type);
    if (!type?.cost || inputs === undefined || hasUnknown(inputs)) return;
    const c = await type.cost(inputs as JsonObject);
    if (c) lines.push({ ...c, subject: e.address, sign });
  };
  // An update that changes what the object costs (more servers behind it): the difference, one line.
  const priceChange = async (e: PlanEntry) => {
    const type = registry.get(e.type);
    if (!type?.cost || e.before === undefined || e.after === undefined || hasUnknown(e.after)) return;
    const [before, after] = [await type.cost(e.before as JsonObject), await type.cost(e.after as JsonObject)];
    if (!before || !after || before.monthly === after.monthly) return;
    const delta = Math.round((after.monthly - before.monthly) * 100) / 100;
    lines.push({ monthly: Math.abs(delta), currency: after.currency, what: `${after.what} (was ${before.what})`, subject: e.address, sign: delta > 0 ? 1 : -1 });
  };
  try {
    for (const e of entries) {
      if (e.action === "create" || e.action === "replace") await price(e, e.after, 1);
      if (e.action === "delete" || e.action === "replace") await price(e, e.before, -1);
      if (e.action === "update") await priceChange(e);
    }
    const indirect = stack.indirectCosts ? await stack.indirectCosts() : [];
    for (const c of indirect) {
      const owner = c.with === undefined ? undefined : entries.find((e) => e.address === c.with);
      const sign = c.with === undefined ? (fromNothing ? 1 : 0) : owner?.action === "create" ? 1 : owner?.action === "delete" ? -1 : 0;
      if (sign !== 0) lines.push({ monthly: c.monthly, currency: c.currency, what: c.what, subject: c.by, sign });
    }
  } catch (err) {
    const next = err instanceof AbortError && err.next ? ` (${err.next})` : "";
    bus.emit({ type: "diagnostic", severity: "warning", message: `cost estimate unavailable: ${errorMessage(err)}${next}` });
  }
  return lines;
}
