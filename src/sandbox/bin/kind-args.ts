// Command-line parsing as kind's cobra/pflag does it, so errors read the same: flags anywhere
// after the command words, `--flag value`, `--flag=value`, `-n value`, `-nvalue`, booleans with an
// optional `=false`, `--` ending flags; durations in Go's syntax (`30s`, `5m`, `1h30m`).

export type FlagType = "string" | "bool" | "duration" | "int";

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  usage: string;
  /** Shown as "(default ...)" in help. */
  defaultText?: string;
}

export type FlagValues = Record<string, string | boolean | number | undefined>;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  const sign = text.startsWith("-") ? -1 : 1;
  if (text.startsWith("-") || text.startsWith("+")) at = 1;
  if (at >= text.length) return undefined;
  re.lastIndex = at;
  while (re.lastIndex < text.length) {
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNITS[m[2] ?? ""] ?? 0);
  }
  return sign * total;
}

/** Go's time.Duration String(): 0s, 45s, 5m0s, 1h30m0s (whole seconds; kind rounds to the second). */
export function formatGoDuration(ms: number): string {
  const secs = Math.round(ms / 1000);
  if (secs === 0) return "0s";
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function convert(spec: FlagSpec, raw: string, shown: string): string | boolean | number {
  const bad = (why: string) => new UsageError(`invalid argument "${raw}" for "${shown}" flag: ${why}`);
  switch (spec.type) {
    case "string":
      return raw;
    case "bool":
      if (["1", "t", "T", "true", "TRUE", "True"].includes(raw)) return true;
      if (["0", "f", "F", "false", "FALSE", "False"].includes(raw)) return false;
      throw bad(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
    case "int": {
      if (!/^[+-]?\d+$/.test(raw)) throw bad(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return Number(raw);
    }
    case "duration": {
      const ms = parseGoDuration(raw);
      if (ms === undefined) throw bad(`time: invalid duration "${raw}"`);
      return ms;
    }
  }
}

/** Splits `args` into flag values (by long name) and positional arguments. */
export function parseFlags(args: string[], specs: FlagSpec[]): { flags: FlagValues; positional: string[]; help: boolean } {
  const flags: FlagValues = {};
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith("--")) {
      const [name = "", ...rest] = arg.slice(2).split("=");
      inline = rest.length > 0 ? rest.join("=") : undefined;
      if (name === "help") {
        help = true;
        continue;
      }
      spec = specs.find((s) => s.name === name);
      shown = `--${name}`;
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
    } else {
      const letter = arg[1] ?? "";
      if (letter === "h") {
        help = true;
        continue;
      }
      spec = specs.find((s) => s.short === letter);
      shown = `-${letter}, --${spec?.name ?? ""}`;
      if (!spec) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
      const after = arg.slice(2);
      if (after !== "") inline = after.startsWith("=") ? after.slice(1) : after;
    }
    let raw = inline;
    if (raw === undefined) {
      if (spec.type === "bool") raw = "true";
      else {
        const next = args[i + 1];
        if (next === undefined) throw new UsageError(`flag needs an argument: ${arg.startsWith("--") ? `--${spec.name}` : `'${spec.short ?? ""}' in -${spec.short ?? ""}`}`);
        raw = next;
        i++;
      }
    }
    flags[spec.name] = convert(spec, raw, shown);
  }
  return { flags, positional, help };
}
