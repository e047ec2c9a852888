// hcloud_talos_image: the Talos snapshot CAPH boots its servers from. CAPH finds it by the label
// `caph-image-name==<imageName>` and the server type's architecture, and refuses to choose when
// two images match (ImageAmbiguous), so hk adopts a matching snapshot instead of building a
// second one, and refuses to add one next to a different snapshot of the same name.
import { z } from "zod";
import { diffValues } from "../../engine/diff.js";
import { AbortError, ExternalError } from "../../engine/errors.js";
import type { JsonObject } from "../../engine/values.js";
import type { Discovered, Found, Owner, ReadResult, ResourceType, StepContext } from "../../engine/resource.js";
import { deleteImage, getImage, listImages, serverType, updateImage, type HcloudClient, type Image } from "../../providers/hcloud/index.js";
import { DEFAULT_EXTENSIONS, type TalosFactory } from "../../providers/talos-factory.js";
import { monthlySnapshot } from "./cost.js";
import { buildTalosSnapshot, type BuildDeps } from "./image-build.js";
import { IMAGE_LABEL, imageLabels, schematicLabel, SYSTEM_IMAGE_LABELS } from "./image-labels.js";
import { jsonInputs } from "./json-schema.js";
import { isLabelValue, labelsInput, labelValue, ownerLabels, ownerMark, selector, STACK_LABEL } from "./labels.js";
import { protectedReason, unprotectCommand } from "./leftover-type.js";
import { readManyByLabel } from "./read-many.js";

const BUILD_SERVER: Record<"amd64" | "arm64", string> = { amd64: "cx23", arm64: "cax11" };
/** Size assumed for a snapshot not built yet (a Talos disk image holds well under 1 GB of data). */
export const ESTIMATED_SNAPSHOT_GB = 1;

export const talosImageInputs = jsonInputs(
  z
    .object({
      talosVersion: z.string().regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, { error: "expected a Talos version like v1.12.2" }),
      arch: z.enum(["amd64", "arm64"]).default("amd64"),
      /** Official extensions; ignored when schematicId is given. */
      extensions: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, { error: "expected an extension like siderolabs/qemu-guest-agent" })).default([...DEFAULT_EXTENSIONS]),
      schematicId: z.string().regex(/^[0-9a-f]{64}$/, { error: "expected a 64-character hex schematic id" }).exactOptional(),
      /** CAPH's HCloudMachineTemplate imageName; default talos-<arch>-<version>. */
      imageName: z.string().refine(isLabelValue, { error: "expected a valid Hetzner label value (≤63 of A-Z a-z 0-9 - _ .)" }).exactOptional(),
      location: z.string().min(1).default("nbg1"),
      /** Server type of the temporary build server; default cx23 (amd64) or cax11 (arm64). */
      buildServerType: z.string().min(1).exactOptional(),
      /** Your own labels; hk adds os, talos-version, arch and caph-image-name (shown in the plan) and its ownership labels. */
      labels: labelsInput.default({}).refine((l) => !Object.keys(l).some((k) => SYSTEM_IMAGE_LABELS.includes(k)), {
        error: `the labels ${SYSTEM_IMAGE_LABELS.join(", ")} are set by hk`,
      }),
    })
    .transform((v) => {
      const imageName = v.imageName ?? `talos-${v.arch}-${v.talosVersion}`;
      // The labels CAPH and hk look the snapshot up by are part of what is declared, so a change
      // to them behind hk's back shows in the plan and is put right in place.
      const labels: Record<string, string> = { ...v.labels, [IMAGE_LABEL.os]: "talos", [IMAGE_LABEL.version]: v.talosVersion, [IMAGE_LABEL.arch]: v.arch, [IMAGE_LABEL.name]: imageName };
      return { ...v, imageName, labels, buildServerType: v.buildServerType ?? BUILD_SERVER[v.arch] };
    }),
);
export type TalosImageInputs = z.output<typeof talosImageInputs>;

export const talosImageOutputs = z.object({ imageId: z.number(), imageName: z.string(), schematicId: z.string(), sizeGb: z.number().nullable() });
export type TalosImageOutputs = z.output<typeof talosImageOutputs>;

export interface TalosImageDeps extends BuildDeps {
  client: HcloudClient;
  factory: TalosFactory;
}

/** Inputs that only steer how a snapshot is built: changing them leaves the snapshot as it is. */
const BUILD_ONLY = ["location", "buildServerType"];
/**
 * Read from the snapshot, never declared (the config's schema drops it): its size in GB, so a
 * plan that deletes or replaces a built snapshot prices it by what it really holds.
 */
const SIZE = "sizeGb";

function archOf(x: { architecture: "x86" | "arm" }): "amd64" | "arm64" {
  return x.architecture === "arm" ? "arm64" : "amd64";
}

/**
 * What a snapshot says about itself. What it was built from (version, schematic) cannot change
 * after the build, so it comes from `base` (the record, or the wanted inputs when adopting after
 * checking the labels); its labels can change, and are read as they are, except hk's ownership
 * labels and the shortened schematic label, which hk puts back on any update.
 */
function observe(image: Image, base: TalosImageInputs, schematic: string): { inputs: TalosImageInputs; outputs: TalosImageOutputs } {
  const l = image.labels;
  const inputs: TalosImageInputs = {
    ...base,
    arch: archOf(image),
    // CAPH finds the snapshot by this label alone: without it, the snapshot has no name for CAPH.
    imageName: l[IMAGE_LABEL.name] ?? "",
    labels: Object.fromEntries(Object.entries(l).filter(([k]) => !k.startsWith("hk/") && k !== IMAGE_LABEL.schematic)),
  };
  if (image.image_size !== null) Object.assign(inputs, { [SIZE]: image.image_size });
  const outputs = { imageId: image.id, imageName: l[IMAGE_LABEL.name] ?? image.description, schematicId: schematic, sizeGb: image.image_size };
  return { inputs, outputs };
}

export function talosImageType(deps: TalosImageDeps): ResourceType<TalosImageInputs, TalosImageOutputs> {
  const api = (ctx: StepContext) => deps.client.withSignal(ctx.signal);
  const schematicOf = (inputs: TalosImageInputs, signal?: AbortSignal) => (inputs.schematicId !== undefined ? Promise.resolve(inputs.schematicId) : deps.factory.schematicFor(inputs.extensions, signal));
  /** Snapshots CAPH would consider for this name and architecture. */
  const sameName = (c: HcloudClient, inputs: TalosImageInputs) =>
    listImages(c, { type: "snapshot", labelSelector: selector({ [IMAGE_LABEL.name]: inputs.imageName }), architecture: inputs.arch === "arm64" ? "arm" : "x86" });
  const outputsOf = (image: Image, schematic: string): TalosImageOutputs => ({ imageId: image.id, imageName: image.labels[IMAGE_LABEL.name] ?? image.description, schematicId: schematic, sizeGb: image.image_size });

  return {
    type: "hcloud_talos_image",
    inputs: talosImageInputs,
    outputs: talosImageOutputs,
    replaceOn: ["talosVersion", "arch", "extensions", "schematicId"],
    createBeforeDestroy: true,
    computedInputs: [SIZE],

    diff(observed, desired) {
      return diffValues(observed, desired, { replaceOn: this.replaceOn, ignore: [...BUILD_ONLY, SIZE] });
    },

    async read(ctx, current): Promise<ReadResult<TalosImageInputs, TalosImageOutputs>> {
      const image = await getImage(api(ctx), Number(current.id));
      if (!image || image.status === "unavailable") return { status: "gone" };
      return { status: "found", ...observe(image, current.inputs, current.outputs.schematicId) };
    },

    readMany(ctx, current) {
      const c = api(ctx);
      return readManyByLabel(ctx, current, {
        list: (sel) => listImages(c, { type: "snapshot", labelSelector: sel }),
        get: async (id) => {
          const image = await getImage(c, id);
          return image?.status === "unavailable" ? undefined : image;
        },
        observe: (image, cur) => observe(image, cur.inputs, cur.outputs.schematicId),
      });
    },

    async find(ctx, owner: Owner, desired): Promise<Found<TalosImageInputs, TalosImageOutputs> | undefined> {
      const c = api(ctx);
      const all = (await sameName(c, desired)).filter((i) => i.status !== "unavailable");
      if (all.length === 0) return undefined;
      const ids = all.map((i) => i.id).join(", ");
      if (all.length > 1) {
        throw new AbortError(
          `${all.length} snapshots carry ${IMAGE_LABEL.name}=${desired.imageName} (ids ${ids}): CAPH fails with ImageAmbiguous when more than one matches`,
          `keep one and delete the others (hcloud image delete <id>), then plan again`,
        );
      }
      const image = all[0] as Image;
      const schematic = await schematicOf(desired, ctx.signal);
      const same = image.labels[IMAGE_LABEL.version] === desired.talosVersion && image.labels[IMAGE_LABEL.schematic] === schematicLabel(schematic);
      if (!same) {
        throw new AbortError(
          `snapshot ${image.id} already carries ${IMAGE_LABEL.name}=${desired.imageName} but was built from Talos ${image.labels[IMAGE_LABEL.version] ?? "?"}, schematic ${image.labels[IMAGE_LABEL.schematic] ?? "?"}; a second one would make CAPH's lookup ambiguous`,
          `delete snapshot ${image.id} (hcloud image delete ${image.id}) or choose another imageName`,
        );
      }
      const stack = image.labels[STACK_LABEL];
      if (stack !== undefined && stack !== labelValue(owner.stack)) {
        throw new AbortError(`snapshot ${image.id} (${desired.imageName}) belongs to hk stack ${stack}`, `use another imageName for this cluster, or destroy stack ${stack}'s snapshot first`);
      }
      const lineage = ownerMark(image.labels, owner);
      return { id: String(image.id), ...observe(image, desired, schematic), ...(lineage !== undefined ? { lineage } : {}) };
    },

    async mark(ctx, current, owner) {
      const c = api(ctx);
      const image = await getImage(c, Number(current.id));
      if (!image) throw new ExternalError(`snapshot ${current.id} is gone`, false, "not_found");
      await updateImage(c, image.id, { labels: { ...image.labels, ...ownerLabels(owner) } });
    },

    async create(ctx, inputs, owner) {
      const c = api(ctx);
      const schematic = await schematicOf(inputs, ctx.signal);
      const type = await serverType(c, inputs.buildServerType);
      if (!type) throw new AbortError(`Hetzner Cloud has no server type ${inputs.buildServerType} to build the image on`, "set buildServerType to a current type (cx23 for amd64, cax11 for arm64)");
      if (archOf(type) !== inputs.arch) {
        throw new AbortError(`build server type ${type.name} is ${type.architecture}, but the image is for ${inputs.arch}`, `use ${BUILD_SERVER[inputs.arch]} for ${inputs.arch}`);
      }
      const others = (await sameName(c, inputs)).filter((i) => i.status !== "unavailable" && i.labels["hk/address"] !== labelValue(owner.address));
      if (others.length > 0) {
        throw new AbortError(`snapshot ${others.map((i) => i.id).join(", ")} already carries ${IMAGE_LABEL.name}=${inputs.imageName}; a second one would make CAPH's lookup ambiguous`, "delete it or choose another imageName");
      }
      const image = await buildTalosSnapshot(ctx, deps, {
        owner,
        talosVersion: inputs.talosVersion,
        arch: inputs.arch,
        schematicId: schematic,
        location: inputs.location,
        serverType: inputs.buildServerType,
        description: inputs.imageName,
        labels: imageLabels(inputs, schematic, owner),
        outputsOf: (img) => outputsOf(img, schematic),
      });
      return { id: String(image.id), outputs: outputsOf(image, schematic) };
    },

    async update(ctx, current, desired) {
      const c = api(ctx);
      const id = Number(current.id);
      const image = await getImage(c, id);
      if (!image) throw new ExternalError(`snapshot ${id} is gone`, false, "not_found");
      if (desired.imageName !== (image.labels[IMAGE_LABEL.name] ?? image.description)) {
        const others = (await sameName(c, desired)).filter((i) => i.id !== id && i.status !== "unavailable");
        if (others.length > 0) throw new AbortError(`snapshot ${others[0]?.id} already carries ${IMAGE_LABEL.name}=${desired.imageName}`, "delete it or choose another imageName");
      }
      const ownership = Object.fromEntries(Object.entries(image.labels).filter(([k]) => k.startsWith("hk/")));
      ctx.progress("updating description and labels");
      const labels = { ...desired.labels, [IMAGE_LABEL.schematic]: schematicLabel(current.outputs.schematicId), ...ownership };
      const updated = await updateImage(c, id, { description: desired.imageName, labels });
      return { outputs: outputsOf(updated, current.outputs.schematicId) };
    },

    async delete(ctx, current) {
      const kept = (current.inputs as JsonObject)["kept"];
      if (typeof kept === "string") {
        // A leftover the plan said stays: it stays, even if the protection was lifted since.
        ctx.progress(`kept: ${kept}`);
        return;
      }
      const c = api(ctx);
      const image = await getImage(c, Number(current.id));
      if (!image) return;
      if (image.protection?.delete === true) {
        throw new AbortError(`snapshot ${image.id} (${image.description}) has delete protection`, `run \`${unprotectCommand("image", String(image.id))}\` to delete it, then destroy again`);
      }
      ctx.progress(`deleting snapshot ${current.id}`);
      await deleteImage(c, image.id);
    },

    async cost(inputs) {
      const own = inputs as JsonObject;
      if (typeof own["kept"] === "string") return undefined;
      // A built snapshot (refreshed, or found by the sweep) is priced by its real size.
      if (typeof own[SIZE] === "number") return monthlySnapshot(deps.client, own[SIZE]);
      const existing = await listImages(deps.client, { type: "snapshot", labelSelector: selector({ [IMAGE_LABEL.name]: inputs.imageName, [IMAGE_LABEL.version]: inputs.talosVersion }) });
      const sized = existing.find((i) => i.image_size !== null);
      if (sized?.image_size != null) return monthlySnapshot(deps.client, sized.image_size);
      return monthlySnapshot(deps.client, ESTIMATED_SNAPSHOT_GB, " (estimated: not built yet)");
    },

    async discover(ctx, stack): Promise<(Discovered<TalosImageInputs, TalosImageOutputs> & { keep?: string })[]> {
      const images = await listImages(api(ctx), { type: "snapshot", labelSelector: selector({ [STACK_LABEL]: labelValue(stack) }) });
      return images.map((image) => {
        const base: TalosImageInputs = {
          talosVersion: image.labels[IMAGE_LABEL.version] ?? "unknown",
          arch: archOf(image),
          extensions: [],
          imageName: image.labels[IMAGE_LABEL.name] ?? image.description,
          location: "unknown",
          buildServerType: "unknown",
          labels: {},
        };
        const { inputs, outputs } = observe(image, base, image.labels[IMAGE_LABEL.schematic] ?? "");
        const name = labelValue(inputs.imageName || `image-${image.id}`).replace(/\./g, "_");
        const lineage = ownerMark(image.labels);
        const mark = lineage !== undefined ? { lineage } : {};
        if (image.protection?.delete !== true) return { id: String(image.id), name, inputs, outputs, ...mark };
        // Protected: kept, and the plan says so (see Swept in leftover-type.ts).
        const keep = protectedReason("snapshot", "image", String(image.id));
        return { id: String(image.id), name, inputs: { ...inputs, kept: keep }, outputs, keep, ...mark };
      });
    },
  };
}
