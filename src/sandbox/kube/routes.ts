// Maps a request path to what serves it: /version and health, discovery, OpenAPI, or a resource
// path (`/api/v1/namespaces/{ns}/{plural}/{name}/{sub}`, cluster-scoped and all-namespaces forms).
import type { Cluster } from "./cluster.js";
import { aggregatedDiscovery, AGGREGATED_TYPE, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, openApiGroupVersion, openApiRoot, wantsAggregated } from "./discovery.js";
import { json, type Reply, type RequestContext } from "./request.js";
import { serveResource } from "./resources.js";
import { errors, StatusError } from "./status.js";

export interface ServerInfo {
  version: string;
}

function versionInfo(v: string): Record<string, unknown> {
  const m = /^v(\d+)\.(\d+)/.exec(v);
  return {
    major: m?.[1] ?? "1",
    minor: m?.[2] ?? "0",
    gitVersion: v,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2025-05-15T00:00:00Z",
    goVersion: "go1.24.2",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

const notFoundPage = (): Reply => ({ status: 404, body: "404 page not found\n", contentType: "text/plain; charset=utf-8" });

export function route(cluster: Cluster, info: ServerInfo, ctx: RequestContext): Reply {
  const path = ctx.url.pathname.replace(/\/+$/, "") || "/";
  const accept = ctx.req.headers.accept;
  const reg = cluster.registry;
  switch (path) {
    case "/version":
      return json(200, versionInfo(info.version));
    case "/healthz":
    case "/livez":
    case "/readyz":
      return { status: 200, body: "ok", contentType: "text/plain; charset=utf-8" };
    case "/api":
      return wantsAggregated(accept) ? { status: 200, body: aggregatedDiscovery(reg, true), contentType: AGGREGATED_TYPE } : json(200, apiVersions(ctx.req.headers.host ?? "127.0.0.1"));
    case "/apis":
      return wantsAggregated(accept) ? { status: 200, body: aggregatedDiscovery(reg, false), contentType: AGGREGATED_TYPE } : json(200, apiGroupList(reg));
    case "/openapi/v3":
      return json(200, openApiRoot(reg));
    case "/openapi/v2":
      return notFoundPage();
  }
  const segs = path.split("/").slice(1).map(decodeURIComponent);
  if (segs[0] === "openapi" && segs[1] === "v3") {
    const doc = segs[2] === "api" ? openApiGroupVersion(reg, "", segs[3] ?? "") : segs[2] === "apis" ? openApiGroupVersion(reg, segs[3] ?? "", segs[4] ?? "") : undefined;
    return doc ? json(200, doc) : notFoundPage();
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api" && segs.length >= 2) {
    [group, version, rest] = ["", segs[1] ?? "", segs.slice(2)];
  } else if (segs[0] === "apis" && segs.length >= 2) {
    if (segs.length === 2) {
      const doc = apiGroupDoc(reg, segs[1] ?? "");
      return doc ? json(200, doc) : notFoundPage();
    }
    [group, version, rest] = [segs[1] ?? "", segs[2] ?? "", segs.slice(3)];
  } else return notFoundPage();
  if (rest.length === 0) {
    const list = apiResourceList(reg, group, version);
    return list ? json(200, list) : notFoundPage();
  }
  if (reg.kindsOf(group, version).length === 0) return notFoundPage();
  let namespace: string | undefined;
  let tail = rest;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const inner = reg.byResource(group, version, rest[2] ?? "");
    if (inner?.namespaced) {
      namespace = rest[1];
      tail = rest.slice(2);
    }
  }
  const [plural = "", name, subresource, ...extra] = tail;
  const kind = reg.byResource(group, version, plural);
  if (!kind || extra.length > 0) throw errors.resourceNotFound();
  if (ctx.method !== "GET" && ctx.method !== "POST" && ctx.method !== "PUT" && ctx.method !== "PATCH" && ctx.method !== "DELETE") throw errors.methodNotAllowed();
  return serveResource(cluster, { kind, namespace, name, subresource }, ctx);
}

export { StatusError };
