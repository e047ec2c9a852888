// zod issues as readable lines: `controlPlane.replicas: must be at least 1`, one per problem,
// unknown keys named by their own path (`firewall.adminCidr: unknown setting`). zod's own English
// ("Invalid input: expected array, received string") is reworded; messages a schema wrote stay.
import type { z } from "zod";

export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".") || "(root)";
}

export function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((i) => {
    if (i.code === "unrecognized_keys") return i.keys.map((k) => `${issuePath([...i.path, k])}: unknown setting (check its spelling)`);
    return [`${issuePath(i.path)}: ${issueMessage(i)}`];
  });
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issueLines(issues).join("; ");
}

/** zod's default messages start like this; a schema's own message is kept as written. */
const ZOD_DEFAULT = /^(Invalid input|Invalid option|Invalid string|Invalid [A-Z]|Too small|Too big)/;

const KINDS: Record<string, string> = {
  array: "a list",
  object: "an object",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  null: "null",
  undefined: "nothing",
  bigint: "a number",
  date: "a date",
  function: "a function",
  nan: "NaN",
};

const kind = (k: string) => KINDS[k] ?? k;

/** One issue in hk's words: what the value must be, and what it is when that helps. */
export function issueMessage(i: z.core.$ZodIssue): string {
  if (!ZOD_DEFAULT.test(i.message)) return i.message;
  switch (i.code) {
    case "invalid_type": {
      const received = /received (\w+)/.exec(i.message)?.[1];
      if (received === "undefined") return `missing: ${kind(i.expected)} is needed`;
      if (i.expected === "int" && received === "number") return "must be a whole number";
      return received === undefined ? `expected ${kind(i.expected)}` : `expected ${kind(i.expected)}, got ${kind(received)}`;
    }
    case "invalid_value": {
      const values = i.values.map((v) => JSON.stringify(v) ?? String(v));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(", ")}`;
    }
    case "too_small":
    case "too_big": {
      const bound = Number(i.code === "too_small" ? i.minimum : i.maximum);
      const least = i.code === "too_small";
      const inclusive = i.inclusive !== false;
      const limit = inclusive ? (least ? "at least" : "at most") : least ? "more than" : "less than";
      if (i.origin === "string") return `must have ${limit} ${bound} character${bound === 1 ? "" : "s"}`;
      if (i.origin === "array" || i.origin === "set") return `must have ${limit} ${bound} item${bound === 1 ? "" : "s"}`;
      return `must be ${limit} ${bound}`;
    }
    case "invalid_format":
      return i.format === "regex" && i.pattern !== undefined ? `must match the pattern ${i.pattern}` : `must be a valid ${i.format}`;
    case "invalid_union":
      return "matches none of the allowed forms";
    default:
      return i.message.charAt(0).toLowerCase() + i.message.slice(1);
  }
}
