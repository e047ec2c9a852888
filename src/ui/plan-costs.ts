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

/** Cents as shown on a line: rounded away from zero at half a cent, signed. */
export function shownCents(amount: number): number {
  return Math.sign(amount) * Math.round(Math.abs(amount) * 100);
}

/**
 * `+ €17.49/month` for a cost, `- €0.54/month` for a saving, `+ <€0.01/month` for a crumb.
 * `cents` is the amount as shown (the net passes the sum of its lines' shown cents).
 */
export function monthly(amount: number, currency: string, cents = shownCents(amount)): string {
  if (Math.abs(amount) < 1e-9) return `${money(0, currency)}/month`;
  const shown = cents === 0 ? `<${money(0.01, currency)}` : money(cents / 100, currency);
  return `${(cents === 0 ? amount : cents) > 0 ? "+" : "-"} ${shown}/month`;
}

export function costLines(costs: readonly CostLine[]): Line[] {
  if (costs.length === 0) return [];
  const amounts = costs.map((c) => monthly(c.sign * c.monthly, c.currency));
  const aw = Math.max(...amounts.map((a) => a.length));
  const sw = Math.max(...costs.map((c) => c.subject.length));
  const rows = costs.map((c, i) =>
    line("  ", seg((amounts[i] ?? "").padEnd(aw), c.sign > 0 ? "yellow" : "green"), "  ", c.subject.padEnd(sw), "  ", seg(c.what, "dim")),
  );
  // The net is the sum of the lines as shown, so that the figures on screen add up.
  const net = new Map<string, { amount: number; cents: number }>();
  for (const c of costs) {
    const n = net.get(c.currency) ?? { amount: 0, cents: 0 };
    net.set(c.currency, { amount: n.amount + c.sign * c.monthly, cents: n.cents + shownCents(c.sign * c.monthly) });
  }
  const totals = [...net].map(([currency, n]) => line("  Net change: ", seg(monthly(n.cents === 0 ? n.amount : n.cents / 100, currency, n.cents), "bold")));
  return [line(seg("Cost estimate (monthly):", "bold")), ...rows, ...totals, BLANK];
}
