// Ownership labels on everything hk creates, and the selectors that find a stack's objects.
// Hetzner label values are at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Owner } from "../../engine/resource.js";

export const STACK_LABEL = "hk/stack";
export const ADDRESS_LABEL = "hk/address";
/** The owner mark: the lineage of the hk state that made (or took over) the object. */
export const LINEAGE_LABEL = "hk/lineage";
/** Marks objects that exist only during a step (the image build's server and SSH key). */
export const TEMPORARY_LABEL = "hk/temporary";

const VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

export function isLabelValue(value: string): boolean {
  return VALUE.test(value);
}

/**
 * A valid label value standing for `text`: unchanged when already valid, otherwise the invalid
 * characters become `_` and, when that changed or shortened it, a short hash keeps it unique.
 */
export function labelValue(text: string): string {
  if (isLabelValue(text)) return text;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return `${cleaned.slice(0, 63 - 9)}-${hash}`.replace(/^-/, "");
}

/** `hk/stack=<stack>`, `hk/address=<address>` and `hk/lineage=<the owning state's lineage>`. */
export function ownerLabels(owner: Owner): Record<string, string> {
  return { [STACK_LABEL]: labelValue(owner.stack), [ADDRESS_LABEL]: labelValue(owner.address), [LINEAGE_LABEL]: labelValue(owner.lineage) };
}

/**
 * The lineage an object's owner mark names, or undefined when it carries none. A mark that
 * stands for `owner`'s lineage (shortened to a label value) reads as that lineage itself.
 */
export function ownerMark(labels: Record<string, string> | undefined, owner?: Owner): string | undefined {
  const mark = labels?.[LINEAGE_LABEL];
  return owner !== undefined && mark === labelValue(owner.lineage) ? owner.lineage : mark;
}

/** `k1==v1,k2==v2` (exact match on each). */
export function selector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}==${v}`)
    .join(",");
}

/** The selectors an object labelled for a stack matches: CAPH's ownership label, or hk's own. */
export function stackSelectors(stack: string): string[] {
  return [`caph-cluster-${stack}==owned`, `${STACK_LABEL}==${labelValue(stack)}`];
}

/** True when `labels` mark the object as belonging to `stack`. */
export function labelledFor(labels: Record<string, string> | undefined, stack: string): boolean {
  if (!labels) return false;
  return labels[`caph-cluster-${stack}`] === "owned" || labels[STACK_LABEL] === labelValue(stack);
}

/** Labels without hk's own (`hk/…`) and the given system keys: what a user declared. */
export function userLabels(labels: Record<string, string> | undefined, system: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith("hk/") || system.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

const KEY_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const KEY_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** True for a Hetzner label key: optional DNS-subdomain prefix and `/`, then a name; `hetzner.cloud/` is reserved. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (!KEY_NAME.test(name)) return false;
  if (prefix === undefined) return true;
  return prefix.length <= 253 && KEY_PREFIX.test(prefix) && prefix !== "hetzner.cloud";
}

/** Labels a user may declare: valid Hetzner keys and values, none of hk's own. */
export const labelsInput = z
  .record(z.string(), z.string())
  .superRefine((labels, ctx) => {
    for (const [k, v] of Object.entries(labels)) {
      if (!isLabelKey(k)) ctx.addIssue({ code: "custom", path: [k], message: `"${k}" is not a valid Hetzner label key` });
      else if (k.startsWith("hk/")) ctx.addIssue({ code: "custom", path: [k], message: `label keys under hk/ are hk's own` });
      if (!isLabelValue(v)) ctx.addIssue({ code: "custom", path: [k], message: `"${v}" is not a valid Hetzner label value (≤63 of A-Z a-z 0-9 - _ ., alphanumeric at both ends)` });
    }
  });
