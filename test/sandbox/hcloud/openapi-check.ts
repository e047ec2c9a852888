// Checks emulator answers against Hetzner's published response schemas (the committed subset in
// test/fixtures/hcloud/openapi-subset.json), with JSON Schema 2020-12 as OpenAPI 3.1 uses.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const subsetPath = fileURLToPath(new URL("../../fixtures/hcloud/openapi-subset.json", import.meta.url));

interface Subset {
  provenance: { sha256: string };
  responses: Record<string, Record<string, unknown>>;
}

export interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export class OpenApiCheck {
  private readonly subset: Subset = JSON.parse(readFileSync(subsetPath, "utf8")) as Subset;
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { key: string; re: RegExp; params: number }[];

  constructor() {
    addFormats(this.ajv);
    for (const f of ["int64", "int32", "double", "decimal", "xfs"]) this.ajv.addFormat(f, true);
    this.templates = Object.keys(this.subset.responses)
      .map((key) => {
        const path = key.slice(key.indexOf(" ") + 1);
        const re = new RegExp(`^${key.slice(0, key.indexOf(" "))} ${path.replace(/\{[^}]+\}/g, "[^/]+")}$`);
        return { key, re, params: (path.match(/\{/g) ?? []).length };
      })
      .sort((a, b) => a.params - b.params);
  }

  operation(method: string, path: string): string | undefined {
    const probe = `${method} ${path}`;
    return this.templates.find((t) => t.re.test(probe))?.key;
  }

  /** Problems with one exchange; empty when it conforms. */
  problems(x: Exchange): string[] {
    const where = `${x.method} ${x.path} → ${x.status}`;
    if (x.status === 204) {
      const bad = [];
      if (x.body.length > 0) bad.push(`${where}: 204 with a body`);
      if (x.contentType?.includes("json")) bad.push(`${where}: 204 with Content-Type ${x.contentType}`);
      return bad;
    }
    if (!x.contentType?.startsWith("application/json")) return [`${where}: Content-Type ${x.contentType ?? "none"}`];
    // Paths or methods the spec lacks (404/405 answers) still owe the common error envelope.
    const op = this.operation(x.method, x.path) ?? (x.status >= 400 ? "GET /servers" : undefined);
    if (!op) return [`${where}: no operation in the spec`];
    const byStatus = this.subset.responses[op] ?? {};
    const status = String(x.status) in byStatus ? String(x.status) : `${String(x.status)[0]}xx`;
    const schema = byStatus[status];
    if (!schema) return [`${where}: the spec defines no ${x.status} answer for ${op}`];
    const id = `${op} ${status}`;
    let validate = this.compiled.get(id);
    if (!validate) {
      validate = this.ajv.compile(schema as object);
      this.compiled.set(id, validate);
    }
    const body: unknown = JSON.parse(x.body);
    const legacy = x.status < 300 ? this.legacyDatacenters(op, body, where) : [];
    if (validate(body)) return legacy;
    return [...legacy, ...(validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)];
  }

  /**
   * Primary IPs keep the legacy `datacenter` object the Debian clients read (python's `.datacenter`, the
   * CLI's describe). This spec edition removed it and forbids extra keys there, so it is checked against
   * the Datacenter schema instead, then taken out (in place) before the primary IP schema sees the body.
   */
  private legacyDatacenters(op: string, body: unknown, where: string): string[] {
    if (!op.includes(" /primary_ips") || typeof body !== "object" || body === null) return [];
    const b = body as { primary_ip?: Record<string, unknown>; primary_ips?: Record<string, unknown>[] };
    const items = [...(b.primary_ip ? [b.primary_ip] : []), ...(Array.isArray(b.primary_ips) ? b.primary_ips : [])];
    const schema = this.subset.responses["GET /datacenters/{id}"]?.["200"];
    let validate = this.compiled.get("legacy datacenter");
    if (!validate && schema) {
      validate = this.ajv.compile(schema as object);
      this.compiled.set("legacy datacenter", validate);
    }
    const problems: string[] = [];
    for (const item of items) {
      if (!("datacenter" in item)) continue;
      if (validate && !validate({ datacenter: item.datacenter })) {
        problems.push(...(validate.errors ?? []).map((e) => `${where}: legacy ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`));
      }
      delete item.datacenter;
    }
    return problems;
  }
}
