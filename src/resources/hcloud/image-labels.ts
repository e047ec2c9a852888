// The labels a Talos snapshot carries: what CAPH looks it up by (caph-image-name, with the
// server type's architecture), what it was built from, and hk's ownership labels.
import type { Owner } from "../../engine/resource.js";
import { ownerLabels } from "./labels.js";

export const IMAGE_LABEL = {
  os: "os",
  version: "talos-version",
  schematic: "talos-schematic",
  name: "caph-image-name",
  arch: "arch",
} as const;

export const SYSTEM_IMAGE_LABELS: readonly string[] = Object.values(IMAGE_LABEL);

/**
 * A schematic id is 64 hex digits but a label value holds at most 63 characters: the label
 * keeps the first 32 (128 bits, still unique in practice) and the full id stays in hk's outputs.
 */
export function schematicLabel(schematicId: string): string {
  return schematicId.slice(0, 32);
}

export function imageLabels(
  inputs: { talosVersion: string; arch: string; imageName: string; labels: Record<string, string> },
  schematicId: string,
  owner: Owner,
): Record<string, string> {
  return {
    ...inputs.labels,
    [IMAGE_LABEL.os]: "talos",
    [IMAGE_LABEL.version]: inputs.talosVersion,
    [IMAGE_LABEL.schematic]: schematicLabel(schematicId),
    [IMAGE_LABEL.name]: inputs.imageName,
    [IMAGE_LABEL.arch]: inputs.arch,
    ...ownerLabels(owner),
  };
}
