// zod issues as one readable line: `controlPlane.replicas: expected a number ≥ 1; name: required`.
import type { z } from "zod";

export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? String(p) : String(p))).join(".") || "(root)";
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join("; ");
}

export function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${issuePath(i.path)}: ${i.message}`);
}
