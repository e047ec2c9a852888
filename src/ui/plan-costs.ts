// The plan's money section: what each created object adds to the monthly bill and what each
// deleted one saves, then the net change per currency. Shown only when the plan has cost lines.
import type { CostLine } from "../engine/plan.js";
import { BLANK, line, seg, type Line } from "./styled-lines.js";

const SYMBOLS: Record<string, string> = { EUR: "€", USD: "$", GBP: "£" };

/** `€17.49`, `$3.00`, `12.00 CHF`: the amount without a sign. */
export function money(amount: number, currency: string): string {
  const n = Math.abs(amount).toFixed(2);
  const symbol = SYMBOLS[currency.toUpperCase()];
  return symbol === undefined ? `${n} ${currency}` : `${symbol}${n}`;
}

/** `+ €17.49/month` for a cost, `- €0.54/month saved` for a saving, `+ <€0.01/month` for a crumb. */
export function monthly(amount: number, currency: string): string {
  if (Math.abs(amount) < 1e-9) return `${money(0, currency)}/month`;
  const shown = Math.abs(amount) < 0.005 ? `<${money(0.01, currency)}` : money(amount, currency);
  return amount > 0 ? `+ ${shown}/month` : `- ${shown}/month saved`;
}

export function costLines(costs: readonly CostLine[]): Line[] {
  if (costs.length === 0) return [];
  const amounts = costs.map((c) => monthly(c.sign * c.monthly, c.currency));
  const aw = Math.max(...amounts.map((a) => a.length));
  const sw = Math.max(...costs.map((c) => c.subject.length));
  const rows = costs.map((c, i) =>
    line("  ", seg((amounts[i] ?? "").padEnd(aw), c.sign > 0 ? "yellow" : "green"), "  ", c.subject.padEnd(sw), "  ", seg(c.what, "dim")),
  );
  const net = new Map<string, number>();
  for (const c of costs) net.set(c.currency, (net.get(c.currency) ?? 0) + c.sign * c.monthly);
  const totals = [...net].map(([currency, amount]) => line("  Net change: ", seg(monthly(amount, currency), "bold")));
  return [line(seg("Cost estimate (monthly):", "bold")), ...rows, ...totals, BLANK];
}
