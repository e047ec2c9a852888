// Prices in the API's string format ("net"/"gross" decimals, EUR, 19 % VAT). Amounts are exact
// decimal arithmetic on scaled integers so gross never shows float noise.

export const VAT_PERCENT = 19;
const SCALE = 10n ** 10n;

function toScaled(amount: string): bigint {
  const [whole = "0", frac = ""] = amount.split(".");
  return BigInt(whole) * SCALE + BigInt((frac + "0000000000").slice(0, 10));
}

function fromScaled(v: bigint): string {
  const whole = v / SCALE;
  const frac = (v % SCALE).toString().padStart(10, "0");
  return `${whole}.${frac}`;
}

export interface Money {
  net: string;
  gross: string;
}

export function money(net: string): Money {
  const n = toScaled(net);
  const gross = (n * BigInt(100 + VAT_PERCENT) + 50n) / 100n;
  return { net: fromScaled(n), gross: fromScaled(gross) };
}

/** Hourly price with a monthly cap of about 624 hours, rounded to 4 decimals like Hetzner's. */
export function hourlyOf(monthly: string): string {
  const perHour = (toScaled(monthly) * 10000n) / (624n * SCALE);
  const rounded = perHour + 1n;
  return `${rounded / 10000n}.${(rounded % 10000n).toString().padStart(4, "0")}`;
}

export interface LocationPricing {
  location: string;
  monthly: string;
  includedTraffic: number;
  perTb: string;
}

const TB = 1024 ** 4;

/** Included traffic and per-TB overage by location: 20 TB in the EU, 1 TB in the US, 0.5 TB in Singapore. */
export function trafficTerms(location: string): { includedTraffic: number; perTb: string } {
  if (location === "ash" || location === "hil") return { includedTraffic: TB, perTb: "1.00" };
  if (location === "sin") return { includedTraffic: TB / 2, perTb: "7.40" };
  return { includedTraffic: 20 * TB, perTb: "1.00" };
}

/** Monthly price in a location: the US costs 20 % and Singapore 30 % more than the EU base. */
export function regionalMonthly(euMonthly: string, location: string): string {
  const factor = location === "sin" ? 130n : location === "ash" || location === "hil" ? 120n : 100n;
  const cents = (toScaled(euMonthly) * factor) / 100n / 10n ** 8n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
}

export function renderPrice(p: LocationPricing): Record<string, unknown> {
  return {
    location: p.location,
    price_hourly: money(hourlyOf(p.monthly)),
    price_monthly: money(p.monthly),
    included_traffic: p.includedTraffic,
    price_per_tb_traffic: money(p.perTb),
  };
}

export function pricesFor(euMonthly: string, locations: readonly string[]): LocationPricing[] {
  return locations.map((location) => ({ location, monthly: regionalMonthly(euMonthly, location), ...trafficTerms(location) }));
}
