// Table-driven routing: each resource module exports Route[]; a path with literal segments wins over
// one with parameters ("/servers/actions" before "/servers/{id}"). A known path with another method
// answers 405, an unknown path 404.
import { ApiError, notFound } from "./errors.js";
import type { Project } from "./project.js";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Ctx {
  project: Project;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The URL as the client addressed it, for pagination links. */
  url: URL;
}

export type Handler = (ctx: Ctx) => Reply;

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  handler: Handler;
}

interface Compiled extends Route {
  segments: string[];
  paramCount: number;
}

export type Match = { route: Route; params: Record<string, string> } | { error: ApiError };

export class Router {
  private readonly routes: Compiled[];

  constructor(routes: readonly Route[]) {
    this.routes = routes
      .map((r) => {
        const segments = r.path.split("/").filter(Boolean);
        return { ...r, segments, paramCount: segments.filter((s) => s.startsWith("{")).length };
      })
      .sort((a, b) => a.paramCount - b.paramCount);
  }

  match(method: string, path: string): Match {
    const parts = path.split("/").filter(Boolean);
    // The most literal shape that fits the path decides; its methods are the allowed ones.
    let shape: number | undefined;
    let best: { route: Compiled; params: Record<string, string> } | undefined;
    for (const route of this.routes) {
      if (shape !== undefined && route.paramCount > shape) break;
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      shape = route.paramCount;
      if (route.method === method) {
        best = { route, params };
        break;
      }
    }
    if (best) return best;
    if (shape !== undefined) return { error: new ApiError(405, "method_not_allowed", `method ${method} is not allowed on ${path}`) };
    return { error: notFound("resource") };
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? "";
    const part = parts[i] ?? "";
    if (seg.startsWith("{")) params[seg.slice(1, -1)] = decodeURIComponent(part);
    else if (seg !== part) return undefined;
  }
  return params;
}
