// zod issues as readable lines: `controlPlane.replicas: expected a number ≥ 1`, one per problem,
// unknown keys named by their own path (`firewall.adminCidr: unknown setting`).
import type { z } from "zod";

export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".") || "(root)";
}

export function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((i) => {
    if (i.code === "unrecognized_keys") return i.keys.map((k) => `${issuePath([...i.path, k])}: unknown setting (check its spelling)`);
    return [`${issuePath(i.path)}: ${i.message}`];
  });
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issueLines(issues).join("; ");
}
