// What every route reads from a request: the body by content type (JSON, YAML for apply), the
// write options of the query (fieldManager, fieldValidation, dryRun, force), and what it answers.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import type { FieldValidation, WriteOptions } from "./cluster.js";
import type { PatchType } from "./semantics/patch.js";
import { errors, StatusError } from "./status.js";
import { decodeKubeProtobuf, UnsupportedProtobuf } from "./protobuf.js";

export interface RequestContext {
  method: string;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  raw: Buffer;
}

/** An answer: a JSON body (or text), a status code, extra headers. `streamed`: the route answered itself. */
export type Reply = { status: number; body: unknown; contentType?: string; headers?: Record<string, string | string[]> } | "streamed";

export function json(status: number, body: unknown, headers?: Record<string, string | string[]>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function contentType(ctx: RequestContext): string {
  return (ctx.req.headers["content-type"] ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** The PATCH flavour of a request's Content-Type; 415 for anything else. */
export function patchType(ctx: RequestContext): PatchType | "apply" {
  const type = contentType(ctx);
  switch (type) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
      return "apply";
    default:
      throw errors.unsupportedMediaType(type);
  }
}

/** The request body as JSON (or YAML, which apply patches may be); 400 when it does not parse. */
export function bodyOf(ctx: RequestContext, yamlAllowed = false): unknown {
  const type = contentType(ctx);
  if (type === "application/vnd.kubernetes.protobuf") {
    try {
      return decodeKubeProtobuf(ctx.raw);
    } catch (err) {
      if (err instanceof UnsupportedProtobuf) throw errors.unsupportedMediaType(type);
      throw errors.badRequest(`error decoding the protobuf body: ${(err as Error).message}`);
    }
  }
  if (type.includes("protobuf") || type.includes("cbor")) throw errors.unsupportedMediaType(type);
  const text = ctx.raw.toString("utf8");
  if (text.trim() === "") throw errors.badRequest("the body of the request is empty");
  try {
    return JSON.parse(text);
  } catch (err) {
    if (yamlAllowed || type.includes("yaml")) {
      try {
        return parseYaml(text) as unknown;
      } catch (yerr) {
        throw errors.badRequest(`error decoding YAML: ${(yerr as Error).message}`);
      }
    }
    throw new StatusError(400, "BadRequest", `couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function defaultManager(ctx: RequestContext): string {
  const ua = ctx.req.headers["user-agent"] ?? "unknown";
  return ua.split("/")[0] ?? "unknown";
}

export function writeOptions(ctx: RequestContext, subresource?: "status"): WriteOptions {
  const q = ctx.url.searchParams;
  const fv = q.get("fieldValidation");
  if (fv !== null && fv !== "Strict" && fv !== "Warn" && fv !== "Ignore") throw errors.badRequest(`fieldValidation must be one of Ignore, Warn, or Strict, got ${fv}`);
  const dryRun = q.getAll("dryRun");
  if (dryRun.some((d) => d !== "All")) throw errors.badRequest(`Invalid dryRun value: ${dryRun.join(",")}: dryRun must be "All"`);
  return {
    manager: q.get("fieldManager") ?? defaultManager(ctx),
    dryRun: dryRun.length > 0,
    fieldValidation: (fv ?? "Warn") as FieldValidation,
    ...(subresource ? { subresource } : {}),
  };
}

/** Warning headers in RFC 7234 form, as the apiserver sends them (kubectl prints `Warning: ...`). */
export function warningHeaders(warnings: string[]): Record<string, string[]> | undefined {
  if (warnings.length === 0) return undefined;
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

export function wantsTable(ctx: RequestContext): boolean {
  return /as=Table/.test(ctx.req.headers.accept ?? "");
}
