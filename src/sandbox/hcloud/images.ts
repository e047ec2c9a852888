// Images: the fixed system images plus the project's snapshots/backups. Snapshots remember what the
// server's disk held when they were taken (kept in the world file only, never in API answers).
import { renderSystemImage, SYSTEM_IMAGES, type SystemImageDef } from "./catalog.js";
import { invalidInput, notFound } from "./errors.js";
import type { Project } from "./project.js";
import type { ImageRec } from "./world-types.js";

export type AnyImage = { kind: "system"; def: SystemImageDef } | { kind: "own"; rec: ImageRec };

export function findImage(p: Project, id: number): AnyImage | undefined {
  const def = SYSTEM_IMAGES.find((i) => i.id === id);
  if (def) return { kind: "system", def };
  const rec = p.data.images.find((i) => i.id === id);
  return rec ? { kind: "own", rec } : undefined;
}

export function ownImage(p: Project, id: number): ImageRec {
  const rec = p.data.images.find((i) => i.id === id);
  if (rec) return rec;
  if (SYSTEM_IMAGES.some((i) => i.id === id)) throw invalidInput({ id: ["only snapshot and backup images can be changed"] });
  throw notFound(`image with ID ${id}`);
}

export function renderOwnImage(rec: ImageRec): Record<string, unknown> {
  return {
    id: rec.id,
    type: rec.type,
    status: rec.status,
    name: null,
    description: rec.description,
    image_size: rec.imageSize,
    disk_size: rec.diskSize,
    created: rec.created,
    created_from: rec.createdFrom,
    bound_to: rec.boundTo,
    os_flavor: rec.osFlavor,
    os_version: rec.osVersion,
    rapid_deploy: false,
    protection: rec.protection,
    deprecated: null,
    deleted: null,
    labels: rec.labels,
    architecture: rec.architecture,
  };
}

export function renderImage(img: AnyImage): Record<string, unknown> {
  return img.kind === "system" ? renderSystemImage(img.def) : renderOwnImage(img.rec);
}

export function imageArch(img: AnyImage): "x86" | "arm" {
  return img.kind === "system" ? img.def.architecture : img.rec.architecture;
}

/**
 * Resolves a server create's `image` (ID or name). Names pick the system image of the server type's
 * architecture, as the real API does; snapshots have no name and are addressed by ID.
 */
export function resolveImage(p: Project, ref: number | string, arch: "x86" | "arm"): AnyImage {
  const img =
    typeof ref === "number"
      ? findImage(p, ref)
      : (() => {
          const def = SYSTEM_IMAGES.find((i) => i.name === ref && i.architecture === arch);
          return def ? ({ kind: "system", def } as const) : undefined;
        })();
  if (!img) throw invalidInput({ image: ["image not found"] });
  if (img.kind === "own" && img.rec.status !== "available") throw invalidInput({ image: ["image is not available"] });
  if (imageArch(img) !== arch) throw invalidInput({ image: ["image architecture does not match the server type"] });
  return img;
}
