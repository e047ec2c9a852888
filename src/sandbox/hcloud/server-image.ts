// create_image: a snapshot of the server's disk as it is now. The snapshot keeps the disk record
// (what the rescue system wrote, or the image the server was created from) in the world file.
import { SYSTEM_IMAGES } from "./catalog.js";
import { invalidInput } from "./errors.js";
import { optString } from "./input.js";
import { parseLabels } from "./labels.js";
import type { Ctx, Reply, Route } from "./router.js";
import { lockedServer } from "./routes-server-actions.js";
import { renderOwnImage } from "./images.js";
import { serverTypeByName } from "./types-catalog.js";
import type { ImageRec } from "./world-types.js";

/** Size of a snapshot of an untouched system image, in GB (what a fresh Ubuntu snapshot is about). */
const PRISTINE_IMAGE_GB = 0.42;

/** Snapshot size in GB from bytes written, two decimals, never below 0.01 so it is billable. */
export function imageSizeGb(bytes: number): number {
  return Math.max(0.01, Math.round((bytes / 1e9) * 100) / 100);
}

function createImage(ctx: Ctx): Reply {
  const p = ctx.project;
  const s = lockedServer(ctx);
  const type = optString(ctx.body, "type") ?? "snapshot";
  if (type !== "snapshot" && type !== "backup") throw invalidInput({ type: ["must be snapshot or backup"] });
  if (type === "backup") throw invalidInput({ type: ["backups are not enabled for this server"] });
  const description = optString(ctx.body, "description") ?? "";
  const labels = parseLabels(ctx.body.labels) ?? {};
  const st = serverTypeByName(s.serverType);
  const source = SYSTEM_IMAGES.find((i) => i.id === s.image) ?? p.data.images.find((i) => i.id === s.image);
  const flavor = source && "os_flavor" in source ? source.os_flavor : source && "osFlavor" in source ? source.osFlavor : "unknown";
  const rec: ImageRec = {
    id: p.newId(),
    type: "snapshot",
    status: "creating",
    description,
    imageSize: s.disk ? imageSizeGb(s.disk.bytes) : PRISTINE_IMAGE_GB,
    diskSize: st?.disk ?? 0,
    created: p.iso(),
    createdFrom: { id: s.id, name: s.name },
    boundTo: null,
    labels,
    protection: { delete: false },
    architecture: st?.architecture ?? "x86",
    osFlavor: s.disk ? "unknown" : flavor,
    osVersion: null,
    disk: s.disk ? { ...s.disk } : null,
  };
  p.data.images.push(rec);
  const action = p.startAction(
    "create_image",
    [
      { id: s.id, type: "server" },
      { id: rec.id, type: "image" },
    ],
    { effects: [{ kind: "image_ready", image: rec.id }], locks: [`server:${s.id}`] },
  );
  return { status: 201, body: { image: renderOwnImage(rec), action: p.renderAction(action) } };
}

export const serverImageRoutes: Route[] = [{ method: "POST", path: "/servers/{id}/actions/create_image", handler: createImage }];
