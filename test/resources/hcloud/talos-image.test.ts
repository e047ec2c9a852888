// hcloud_talos_image against the sandbox: the build end to end, adoption instead of a rebuild,
// CAPH's ImageAmbiguous guard, and the create rule when a build fails or is interrupted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, CreateFailedError, ExternalError } from "../../../src/engine/errors.js";
import type { Owner } from "../../../src/engine/resource.js";
import { getImage, HcloudClient, listImages, listServers, listSshKeys, pricing } from "../../../src/providers/hcloud/index.js";
import { talosImageInputs, talosImageType, type TalosImageInputs, type TalosImageOutputs } from "../../../src/resources/hcloud/index.js";
import { gatedApi, gatedSsh, OWNER, recordingContext, sandboxEnv, type SandboxEnv } from "./sandbox-env.js";
import { rejection } from "../../support/rejection.js";

const desired = (over: Record<string, unknown> = {}): TalosImageInputs => talosImageInputs.parse({ talosVersion: "v1.12.2", ...over });

let env: SandboxEnv;
beforeAll(async () => {
  env = await sandboxEnv();
});
afterAll(async () => {
  await env.close();
});

async function temporaries() {
  const servers = await listServers(env.client, { labelSelector: "hk/temporary" });
  const keys = await listSshKeys(env.client, { labelSelector: "hk/temporary" });
  return [...servers.map((s) => `server ${s.id}`), ...keys.map((k) => `key ${k.id}`)];
}

describe("building the snapshot", () => {
  let imageId = 0;
  let built: TalosImageOutputs | undefined;

  it("builds a labelled snapshot in the rescue system and leaves no server or key behind", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory, ssh: env.ssh });
    const ctx = recordingContext();
    const inputs = desired({ labels: { team: "platform" } });
    const made = await type.create(ctx, inputs, OWNER);
    imageId = made.outputs.imageId;
    built = made.outputs;
    expect(made.id).toBe(String(imageId));
    expect(made.outputs.schematicId).toMatch(/^[0-9a-f]{64}$/);
    expect(made.outputs.imageName).toBe("talos-amd64-v1.12.2");
    expect(made.outputs.sizeGb).toBeGreaterThan(0);

    const image = await getImage(env.client, imageId);
    expect(image).toMatchObject({ type: "snapshot", status: "available", description: "talos-amd64-v1.12.2", architecture: "x86" });
    expect(image?.labels).toEqual({
      os: "talos",
      "talos-version": "v1.12.2",
      "talos-schematic": made.outputs.schematicId.slice(0, 32),
      "caph-image-name": "talos-amd64-v1.12.2",
      arch: "amd64",
      team: "platform",
      "hk/stack": "k8s",
      "hk/address": "hcloud_talos_image.amd64",
      "hk/lineage": OWNER.lineage,
      "hk/build": expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect(await temporaries()).toEqual([]);
    expect(await listServers(env.client)).toEqual([]);
    for (const phase of ["creating a temporary SSH key", "booting the rescue system", "waiting for SSH", "writing Talos v1.12.2 (amd64)", "powering the build server off", "taking the snapshot", "deleting the build server and key"]) {
      expect(ctx.messages.some((m) => m.startsWith(phase))).toBe(true);
    }
  });

  it("reads the snapshot back as declared, so the plan shows no drift", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory });
    const inputs = desired({ labels: { team: "platform" } });
    const read = await type.read(recordingContext(), { id: String(imageId), inputs, outputs: built! });
    // The snapshot's size is read, never declared (a computed input): no difference.
    expect(read).toEqual({ status: "found", inputs: { ...inputs, sizeGb: built!.sizeGb }, outputs: built });
    expect(type.computedInputs).toEqual(["sizeGb"]);
    expect(type.diff!((read as { inputs: typeof inputs }).inputs, inputs)).toEqual([]);
    const many = await type.readMany!(recordingContext(), [{ id: String(imageId), inputs, outputs: built! }]);
    expect(many.get(String(imageId))).toEqual(read);

    const original = (await getImage(env.client, imageId))!.labels;
    try {
      // Labels changed behind hk's back are labels to put right, never a reason to rebuild: the
      // snapshot's bits are what they were built from, whatever talos-version or talos-schematic say.
      await env.api("PUT", `/images/${imageId}`, { labels: { ...original, "caph-image-name": "renamed", "talos-version": "v1.99.0", "talos-schematic": "0".repeat(32) } });
      const drifted = await type.read(recordingContext(), { id: String(imageId), inputs, outputs: built! });
      if (drifted.status !== "found") throw new Error("gone");
      expect(type.diff!(drifted.inputs, inputs).map((c) => [c.path, c.before, c.after, c.forcesReplacement])).toEqual([
        ["imageName", "renamed", "talos-amd64-v1.12.2", false],
        ["labels.caph-image-name", "renamed", "talos-amd64-v1.12.2", false],
        ["labels.talos-version", "v1.99.0", "v1.12.2", false],
      ]);
      // CAPH's lookup label gone and os changed: the snapshot has no name for CAPH any more.
      const { "caph-image-name": _gone, ...rest } = original;
      await env.api("PUT", `/images/${imageId}`, { labels: { ...rest, os: "other" } });
      const nameless = await type.read(recordingContext(), { id: String(imageId), inputs, outputs: built! });
      if (nameless.status !== "found") throw new Error("gone");
      expect(type.diff!(nameless.inputs, inputs).map((c) => [c.path, c.before, c.after, c.forcesReplacement])).toEqual([
        ["imageName", "", "talos-amd64-v1.12.2", false],
        ["labels.caph-image-name", undefined, "talos-amd64-v1.12.2", false],
        ["labels.os", "other", "talos", false],
      ]);
      // A destroy (or replace) plan prices the built snapshot by its real size, whatever its labels say.
      expect((await type.cost!(nameless.inputs))?.what).toBe(`snapshot, ${built!.sizeGb} GB`);
      // An update puts every label right, the schematic one included.
      await type.update(recordingContext(), { id: String(imageId), inputs: nameless.inputs, outputs: built! }, inputs, []);
      expect((await getImage(env.client, imageId))!.labels).toEqual(original);
    } finally {
      await env.api("PUT", `/images/${imageId}`, { labels: original });
    }
    expect(await type.read(recordingContext(), { id: String(imageId), inputs, outputs: built! })).toEqual(read);
  });

  it("adopts the existing snapshot instead of building a second one", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory });
    const inputs = desired({ labels: { team: "platform" }, buildServerType: "cx33", location: "fsn1" });
    const found = await type.find?.(recordingContext(), OWNER, inputs);
    expect(found?.id).toBe(String(imageId));
    expect(found?.lineage).toBe(OWNER.lineage);
    expect(type.diff?.(found!.inputs, inputs)).toEqual([]);
    // mark puts another owner's lineage on it, keeping every other label.
    const before = (await getImage(env.client, imageId))!.labels;
    const other = { ...OWNER, lineage: "9d1e2f3a-0000-4000-8000-000000000001" };
    await type.mark!(recordingContext(), found!, other);
    expect((await getImage(env.client, imageId))!.labels).toEqual({ ...before, "hk/lineage": other.lineage });
    await type.mark!(recordingContext(), found!, OWNER);
    expect(await type.find?.(recordingContext(), OWNER, desired({ talosVersion: "v1.12.3" }))).toBeUndefined();
  });

  it("changes labels in place, keeping CAPH's and hk's own", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory });
    const before = desired({ labels: { team: "platform" } });
    const after = desired({ labels: { team: "infra", tier: "gold" } });
    const changes = type.diff!(before, after);
    expect(changes.every((c) => !c.forcesReplacement)).toBe(true);
    const updated = await type.update(recordingContext(), { id: String(imageId), inputs: before, outputs: built! }, after, changes);
    expect(updated.outputs).toEqual(built);
    const labels = (await getImage(env.client, imageId))!.labels;
    expect(labels).toMatchObject({ team: "infra", tier: "gold", os: "talos", "caph-image-name": "talos-amd64-v1.12.2", "hk/stack": "k8s", "hk/address": "hcloud_talos_image.amd64" });
    expect(type.diff!(before, desired({ talosVersion: "v1.12.3" })).find((c) => c.path === "talosVersion")?.forcesReplacement).toBe(true);
    expect(type.diff!(before, desired({ labels: { team: "platform" }, location: "hel1", buildServerType: "cx33" }))).toEqual([]);
  });

  it("refuses to adopt or build next to a different snapshot of the same name (CAPH: ImageAmbiguous)", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory, ssh: env.ssh });
    const other = await snapshotNamed("talos-amd64-v1.12.2");
    const ambiguous = await rejection(type.find!(recordingContext(), { ...OWNER, address: "hcloud_talos_image.other" }, desired()));
    expect(ambiguous).toBeInstanceOf(AbortError);
    expect(ambiguous.message).toMatch(/2 snapshots carry caph-image-name=talos-amd64-v1.12.2.*ImageAmbiguous/);

    await type.delete(recordingContext(), { id: String(imageId), inputs: desired(), outputs: { imageId, imageName: "", schematicId: "", sizeGb: null } });
    expect(await getImage(env.client, imageId)).toBeUndefined();
    const clash = await rejection(type.find!(recordingContext(), OWNER, desired()));
    expect(clash.message).toMatch(new RegExp(`snapshot ${other} already carries`));
    const refused = await rejection(type.create(recordingContext(), desired(), OWNER));
    expect(refused).toBeInstanceOf(AbortError);
    expect(await temporaries()).toEqual([]);
    await env.api("DELETE", `/images/${other}`);
  });

  it("prices the snapshot by its size at the API's per-GB price", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory, ssh: env.ssh });
    const perGb = Number((await pricing(env.client)).image.price_per_gb_month.gross);
    const before = await type.cost!(desired({ talosVersion: "v1.11.0" }));
    expect(before).toMatchObject({ monthly: perGb * 1, what: "snapshot, 1 GB (estimated: not built yet)" });
    const made = await type.create(recordingContext(), desired({ talosVersion: "v1.11.0" }), OWNER);
    const after = await type.cost!(desired({ talosVersion: "v1.11.0" }));
    expect(after?.monthly).toBeCloseTo(perGb * (made.outputs.sizeGb ?? 0), 4);
    expect(after?.what).toBe(`snapshot, ${made.outputs.sizeGb} GB`);
    await type.delete(recordingContext(), { id: made.id, inputs: desired(), outputs: made.outputs });
  });
});

describe("when the build fails", () => {
  const owner: Owner = { stack: "k8s", address: "hcloud_talos_image.failing", lineage: OWNER.lineage };

  it("deletes the server and key when the rescue system never answers", async () => {
    const type = talosImageType({ client: env.client, factory: env.factory, ssh: { host: "127.0.0.1", port: 9 }, sshConnectTimeoutMs: 300 });
    const err = await rejection(type.create(recordingContext(), desired(), owner));
    expect(err).toBeInstanceOf(ExternalError);
    expect(err).not.toBeInstanceOf(CreateFailedError);
    expect(err.message).toMatch(/did not accept SSH/);
    expect(await temporaries()).toEqual([]);
    expect(await listImages(env.client, { type: "snapshot", labelSelector: "hk/address==hcloud_talos_image.failing" })).toEqual([]);
  });

  it("deletes the server and key when the run is interrupted mid-build", async () => {
    const controller = new AbortController();
    const type = talosImageType({ client: env.client, factory: env.factory, ssh: { host: "127.0.0.1", port: 9 }, sshConnectTimeoutMs: 60_000 });
    const ctx = recordingContext(controller.signal, (m) => {
      if (m.startsWith("waiting for SSH")) setTimeout(() => controller.abort(), 50);
    });
    const started = Date.now();
    const err = await rejection(type.create(ctx, desired(), owner));
    expect((err as ExternalError).code).toBe("interrupted");
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await temporaries()).toEqual([]);
  });

  it("names what it could not delete", async () => {
    // The build's poweron goes on only once the test has protected the build server, so the
    // server is protected before the SSH wait fails and the cleanup tries to delete it.
    const gate = await gatedApi(env.endpoint, async (method, path) => {
      if (method === "POST" && /^\/servers\/\d+\/actions\/poweron$/.test(path)) await protectTemporaryServer();
    });
    const client = HcloudClient.create({ token: "sandbox-token", endpoint: gate.url, backoffMs: { base: 20, max: 200 }, pollMs: { initial: 10, max: 100 } });
    const type = talosImageType({ client, factory: env.factory, ssh: { host: "127.0.0.1", port: 9 }, sshConnectTimeoutMs: 300 });
    const err = await rejection(type.create(recordingContext(), desired(), owner)).finally(() => gate.close());
    expect(err).toBeInstanceOf(ExternalError);
    const [server] = await listServers(env.client, { labelSelector: "hk/temporary" });
    expect(server).toBeDefined();
    expect(err.message).toContain(`temporary server ${server!.id}`);
    expect(err.message).toMatch(/did not accept SSH.*hk\/temporary=image-build/s);
    expect(await listSshKeys(env.client, { labelSelector: "hk/temporary" })).toEqual([]);
    await env.api("POST", `/servers/${server!.id}/actions/change_protection`, { delete: false, rebuild: false });
  });

  it("cleans up what an earlier interrupted build left, then builds; a snapshot left with a stuck server is named", async () => {
    let protect = (): void => undefined;
    const protectedNow = new Promise<void>((resolve) => (protect = () => void protectTemporaryServer().then(resolve)));
    const ssh = await gatedSsh(protectedNow, env.ssh);
    const type = talosImageType({ client: env.client, factory: env.factory, ssh: ssh.target });
    const ctx = recordingContext(undefined, (m) => {
      if (m === "waiting for SSH on " + `${ssh.target.host}:${ssh.target.port}`) protect();
    });
    const err = await rejection(type.create(ctx, desired({ talosVersion: "v1.12.1" }), owner));
    await ssh.close();
    expect(ctx.messages.some((m) => /left by an earlier interrupted build/.test(m))).toBe(true);
    expect(err).toBeInstanceOf(CreateFailedError);
    const left = (err as CreateFailedError).left;
    expect(await getImage(env.client, Number(left.id))).toMatchObject({ status: "available" });
    expect(left.outputs).toMatchObject({ imageId: Number(left.id), imageName: "talos-amd64-v1.12.1" });
    expect(err.message).toMatch(/was built but temporary server \d+ .* could not be deleted/);
    for (const s of await listServers(env.client, { labelSelector: "hk/temporary" })) {
      await env.api("POST", `/servers/${s.id}/actions/change_protection`, { delete: false, rebuild: false });
      await env.api("DELETE", `/servers/${s.id}`);
    }
    await env.api("DELETE", `/images/${left.id}`);
  });
});

/** Turn delete protection on for the build server, so cleaning it up fails. */
async function protectTemporaryServer(): Promise<void> {
  const [server] = await listServers(env.client, { labelSelector: "hk/temporary" });
  if (!server) throw new Error("no build server to protect");
  const { action } = await env.api<{ action: { id: number } }>("POST", `/servers/${server.id}/actions/change_protection`, { delete: true });
  await env.client.waitActions([action.id]);
}

/** A snapshot someone else made with the given caph-image-name. */
async function snapshotNamed(name: string): Promise<number> {
  const created = await env.api<{ server: { id: number } }>("POST", "/servers", { name: `manual-${Date.now()}`, server_type: "cx23", image: "debian-12", location: "nbg1" });
  const id = created.server.id;
  await waitUnlocked(id);
  const snap = await env.api<{ image: { id: number } }>("POST", `/servers/${id}/actions/create_image`, { description: name, labels: { "caph-image-name": name } });
  await waitUnlocked(id);
  await env.api("DELETE", `/servers/${id}`);
  return snap.image.id;
}

async function waitUnlocked(serverId: number): Promise<void> {
  const { actions } = await env.api<{ actions: Array<{ id: number }> }>("GET", `/servers/${serverId}/actions?status=running`);
  await env.client.waitActions(actions.map((a) => a.id));
}
