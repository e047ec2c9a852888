// SSH keys: unique by name and by fingerprint (MD5 of the key blob in colon hex, like Hetzner).
import { createHash } from "node:crypto";
import ssh2 from "ssh2";

// ssh2 is CommonJS: Node's ESM loader only offers its default export.
const { utils } = ssh2;
import { invalidInput, notFound, uniqueness } from "./errors.js";
import { parseLabels } from "./labels.js";
import { filterCommon, listReply } from "./list.js";
import { pathId, reqString, resourceName } from "./input.js";
import type { Project } from "./project.js";
import type { Ctx, Route } from "./router.js";
import type { SshKeyRec } from "./world-types.js";

export function fingerprintOf(publicKey: string): string | undefined {
  const parsed = utils.parseKey(publicKey.trim());
  if (parsed instanceof Error || Array.isArray(parsed)) return undefined;
  if (parsed.isPrivateKey()) return undefined;
  const blob = parsed.getPublicSSH();
  return createHash("md5").update(blob).digest("hex").match(/../g)?.join(":");
}

export function sshKey(project: Project, id: number): SshKeyRec {
  const k = project.data.sshKeys.find((x) => x.id === id);
  if (!k) throw notFound(`SSH key with ID ${id}`);
  return k;
}

function render(k: SshKeyRec): Record<string, unknown> {
  return { id: k.id, name: k.name, fingerprint: k.fingerprint, public_key: k.public_key, labels: k.labels, created: k.created };
}

function create(ctx: Ctx) {
  const p = ctx.project;
  const name = resourceName(ctx.body) ?? "";
  const publicKey = reqString(ctx.body, "public_key").trim();
  const labels = parseLabels(ctx.body.labels) ?? {};
  const fingerprint = fingerprintOf(publicKey);
  if (!fingerprint) throw invalidInput({ public_key: ["invalid public key"] });
  if (p.data.sshKeys.some((k) => k.name === name)) throw uniqueness("name", "SSH key with the same name already exists");
  if (p.data.sshKeys.some((k) => k.fingerprint === fingerprint)) throw uniqueness("public_key", "SSH key with the same fingerprint already exists");
  const key: SshKeyRec = { id: p.newId(), name, fingerprint, public_key: publicKey, labels, created: p.iso() };
  p.data.sshKeys.push(key);
  return { status: 201, body: { ssh_key: render(key) } };
}

function update(ctx: Ctx) {
  const p = ctx.project;
  const key = sshKey(p, pathId(ctx, "SSH key"));
  const name = resourceName(ctx.body, "name", false);
  const labels = parseLabels(ctx.body.labels);
  if (name !== undefined && name !== key.name && p.data.sshKeys.some((k) => k.name === name)) {
    throw uniqueness("name", "SSH key with the same name already exists");
  }
  if (name !== undefined) key.name = name;
  if (labels !== undefined) key.labels = labels;
  p.touch();
  return { status: 200, body: { ssh_key: render(key) } };
}

export const sshKeyRoutes: Route[] = [
  {
    method: "GET",
    path: "/ssh_keys",
    handler: (ctx) => {
      let items = filterCommon(ctx, ctx.project.data.sshKeys, { name: (k) => k.name, labels: (k) => k.labels });
      const fp = ctx.query.get("fingerprint");
      if (fp !== null) items = items.filter((k) => k.fingerprint === fp);
      return listReply(ctx, "ssh_keys", items, { sort: { name: (k) => k.name }, render });
    },
  },
  { method: "POST", path: "/ssh_keys", handler: create },
  { method: "GET", path: "/ssh_keys/{id}", handler: (ctx) => ({ status: 200, body: { ssh_key: render(sshKey(ctx.project, pathId(ctx, "SSH key"))) } }) },
  { method: "PUT", path: "/ssh_keys/{id}", handler: update },
  {
    method: "DELETE",
    path: "/ssh_keys/{id}",
    handler: (ctx) => {
      const key = sshKey(ctx.project, pathId(ctx, "SSH key"));
      ctx.project.data.sshKeys = ctx.project.data.sshKeys.filter((k) => k !== key);
      ctx.project.touch();
      return { status: 204 };
    },
  },
];
