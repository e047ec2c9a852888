// Build a Talos snapshot the way hcloud-upload-image does: a throwaway SSH key and server, the
// server booted into the rescue system, the Image Factory's disk image written onto its disk,
// the disk snapshotted. The server and key are always deleted again, also when a step fails or
// the run is interrupted; what cannot be deleted is named in the error.
import { randomBytes } from "node:crypto";
import { CreateFailedError, errorMessage, ExternalError } from "../../engine/errors.js";
import type { Owner, StepContext } from "../../engine/resource.js";
import {
  createImage,
  createServer,
  createSshKey,
  deleteImage,
  deleteServer,
  deleteSshKey,
  enableRescue,
  getImage,
  getServer,
  listServers,
  listSshKeys,
  serverAction,
  type HcloudClient,
  type Image,
} from "../../providers/hcloud/index.js";
import { sleep } from "../../providers/hcloud/pacing.js";
import type { TalosFactory } from "../../providers/talos-factory.js";
import { labelValue, ownerLabels, selector, TEMPORARY_LABEL } from "./labels.js";
import { runInRescue, throwawayKeyPair, type SshTarget } from "./rescue-ssh.js";

export interface BuildDeps {
  client: HcloudClient;
  factory: TalosFactory;
  /** Where to reach the rescue system; default the build server's public IPv4, port 22. */
  ssh?: SshTarget;
  sshConnectTimeoutMs?: number;
  /** How long writing the image may take. */
  writeTimeoutMs?: number;
  /** The system image the build server is created from (it never boots it: rescue comes first). */
  systemImage?: string;
}

export interface BuildRequest {
  owner: Owner;
  talosVersion: string;
  arch: "amd64" | "arm64";
  schematicId: string;
  location: string;
  serverType: string;
  /** Description of the snapshot (CAPH's image name). */
  description: string;
  labels: Record<string, string>;
  /** The resource's outputs for a snapshot, for CreateFailedError when one is left behind. */
  outputsOf(image: Image): Record<string, unknown>;
}

/** Build label values: `image-build` on the temporary objects, a random id tying them to one build. */
const BUILD_LABEL = "hk/build";

interface Left {
  server?: { id: number; name: string };
  key?: { id: number; name: string };
  image?: Image;
}

export async function buildTalosSnapshot(ctx: StepContext, deps: BuildDeps, req: BuildRequest): Promise<Image> {
  const c = deps.client.withSignal(ctx.signal);
  const build = randomBytes(4).toString("hex");
  const name = `hk-talos-build-${build}`;
  const temporary = { ...ownerLabels(req.owner), [TEMPORARY_LABEL]: "image-build", [BUILD_LABEL]: build };
  await removeEarlierBuilds(ctx, c, req.owner);
  const left: Left = {};
  let built: Image | undefined;
  let failure: unknown;
  try {
    ctx.progress("creating a temporary SSH key", 0.02);
    const pair = throwawayKeyPair(name);
    const key = await createSshKey(c, { name, public_key: pair.publicKey, labels: temporary });
    left.key = { id: key.id, name };

    ctx.progress(`creating build server ${name} (${req.serverType} in ${req.location})`, 0.05);
    const created = await createServer(c, {
      name,
      server_type: req.serverType,
      image: deps.systemImage ?? "debian-12",
      location: req.location,
      ssh_keys: [key.id],
      labels: temporary,
      start_after_create: false,
    });
    left.server = { id: created.server.id, name };
    await c.waitActions(created.actions);

    ctx.progress("booting the rescue system", 0.15);
    await c.waitActions(await enableRescue(c, created.server.id, [key.id]));
    const server = await getServer(c, created.server.id);
    if (!server) throw new ExternalError(`build server ${created.server.id} disappeared`, true, "not_found");
    await c.waitActions(await serverAction(c, server.id, server.status === "off" ? "poweron" : "reset"));

    const target = deps.ssh ?? { host: server.public_net.ipv4?.ip ?? "", port: 22 };
    if (target.host === "") throw new ExternalError(`build server ${server.id} has no public IPv4 to reach its rescue system`);
    const url = deps.factory.imageUrl(req.schematicId, req.talosVersion, req.arch);
    if (url.includes("'")) throw new ExternalError(`refusing to write from an odd image URL: ${url}`);
    ctx.progress(`waiting for SSH on ${target.host}:${target.port}`, 0.25);
    await runInRescue(target, pair, `wget -q -O - '${url}' | xz -cd | dd of=/dev/sda bs=4M && sync`, {
      signal: ctx.signal,
      connectTimeoutMs: deps.sshConnectTimeoutMs ?? 5 * 60_000,
      commandTimeoutMs: deps.writeTimeoutMs ?? 30 * 60_000,
      onRetry: (n) => ctx.progress(`waiting for SSH on ${target.host}:${target.port} (attempt ${n})`, 0.25),
      onConnected: () => ctx.progress(`writing Talos ${req.talosVersion} (${req.arch}) from the Image Factory to the disk`, 0.3),
    });

    ctx.progress("powering the build server off", 0.6);
    await c.waitActions(await serverAction(c, server.id, "poweroff"));

    ctx.progress("taking the snapshot", 0.65);
    const snap = await createImage(c, server.id, { description: req.description, labels: { ...req.labels, [BUILD_LABEL]: build } }, selector({ [BUILD_LABEL]: build }));
    left.image = snap.image;
    if (snap.action) await c.waitActions([snap.action], { onProgress: (f) => ctx.progress("taking the snapshot", 0.65 + 0.3 * f) });
    built = await waitAvailable(c, snap.image.id);
    left.image = built;
  } catch (err) {
    failure = err;
  }
  ctx.progress("deleting the build server and key", 0.97);
  const notDeleted = await cleanUp(deps.client, left, failure !== undefined);
  if (failure === undefined && built && notDeleted.length === 0) return built;
  const leftover = notDeleted.map((n) => n.what).join(", ");
  const hint = "they carry the label hk/temporary=image-build and are removed by the next build or by hk destroy";
  if (failure === undefined && built) {
    throw new CreateFailedError(`snapshot ${built.id} was built but ${leftover} could not be deleted (${notDeleted[0]?.why}); ${hint}`, { id: String(built.id), outputs: req.outputsOf(built) });
  }
  const why = errorMessage(failure);
  if (notDeleted.length === 0) throw failure;
  const image = notDeleted.find((n) => n.image)?.image;
  if (image) {
    throw new CreateFailedError(`building the snapshot failed (${why}); left behind: ${leftover}`, { id: String(image.id), outputs: req.outputsOf(image) }, { cause: failure });
  }
  throw new ExternalError(`building the snapshot failed (${why}); could not delete ${leftover} (${notDeleted[0]?.why}); ${hint}`, false, "cleanup_failed");
}

async function waitAvailable(c: HcloudClient, id: number): Promise<Image> {
  const { pollMs, actionTimeoutMs } = c.settings;
  const deadline = Date.now() + actionTimeoutMs;
  let interval = pollMs.initial;
  for (;;) {
    const image = await getImage(c, id);
    if (!image) throw new ExternalError(`snapshot ${id} disappeared while it was being created`, false, "not_found");
    if (image.status === "available") return image;
    if (image.status === "unavailable") throw new ExternalError(`snapshot ${id} became unavailable`, false, "image_unavailable");
    if (Date.now() > deadline) throw new ExternalError(`snapshot ${id} still ${image.status} after ${Math.round(actionTimeoutMs / 1000)} s`, true, "image_timeout");
    await sleep(interval, c.signal);
    interval = Math.min(pollMs.max, Math.ceil(interval * 1.5));
  }
}

/** Delete the temporary server and key (and the snapshot when the build failed), without the step's signal. */
async function cleanUp(client: HcloudClient, left: Left, failed: boolean): Promise<Array<{ what: string; why: string; image?: Image }>> {
  const out: Array<{ what: string; why: string; image?: Image }> = [];
  const attempt = async (what: string, fn: () => Promise<void>, image?: Image) => {
    try {
      await fn();
    } catch (err) {
      out.push(image ? { what, why: errorMessage(err), image } : { what, why: errorMessage(err) });
    }
  };
  if (left.server) {
    const s = left.server;
    await attempt(`temporary server ${s.id} (${s.name})`, () => deleteServer(client, s.id));
  }
  if (left.key) {
    const k = left.key;
    await attempt(`temporary SSH key ${k.id} (${k.name})`, () => deleteSshKey(client, k.id));
  }
  if (failed && left.image) {
    const img = left.image;
    await attempt(`unfinished snapshot ${img.id}`, () => deleteImage(client, img.id), img);
  }
  return out;
}

/** A build interrupted so hard that it could not clean up (killed process) left these; remove them first. */
async function removeEarlierBuilds(ctx: StepContext, c: HcloudClient, owner: Owner): Promise<void> {
  const sel = `${TEMPORARY_LABEL},${selector({ "hk/stack": labelValue(owner.stack), "hk/address": labelValue(owner.address) })}`;
  const servers = await listServers(c, { labelSelector: sel });
  const keys = await listSshKeys(c, { labelSelector: sel });
  if (servers.length + keys.length === 0) return;
  ctx.progress(`removing ${servers.length + keys.length} object(s) left by an earlier interrupted build`);
  for (const s of servers) await deleteServer(c, s.id);
  for (const k of keys) await deleteSshKey(c, k.id);
}
