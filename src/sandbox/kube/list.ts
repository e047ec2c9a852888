// Lists and watches of one kind: sorted like etcd keys (namespace, then name), selectors, paging
// with limit/continue (an opaque token), and the watch stream: synthetic ADDED for RV absent or
// 0, replay from an RV, 410 Expired past the history, bookmarks, timeoutSeconds, headers at once.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Cluster } from "./cluster.js";
import { asVersion } from "./objects.js";
import { groupVersion, storageKey } from "./registry.js";
import { requestMatcher } from "./selectors.js";
import { errors, StatusError } from "./status.js";
import type { StoredEvent } from "./store.js";
import type { KindInfo, KubeObject } from "./types.js";

export interface ListPage {
  items: KubeObject[];
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
}

function sortKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64url");
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === "number" && typeof parsed.start === "string") return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through
  }
  throw errors.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}

function selected(cluster: Cluster, kind: KindInfo, namespace: string | undefined, query: URLSearchParams): KubeObject[] {
  const match = requestMatcher(query, kind);
  const items = cluster.store.list(storageKey(kind), kind.namespaced ? namespace : undefined);
  return match ? items.filter(match) : items;
}

export function listObjects(cluster: Cluster, kind: KindInfo, namespace: string | undefined, query: URLSearchParams): ListPage {
  const gv = groupVersion(kind);
  const items = selected(cluster, kind, namespace, query);
  const keyed = items.map((o) => [sortKey(o), o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const cont = query.get("continue");
  let rv = cluster.store.rv;
  let start = 0;
  if (cont) {
    const token = decodeContinue(cont);
    rv = token.rv;
    start = keyed.findIndex(([k]) => k > token.start);
    if (start < 0) start = keyed.length;
  }
  const limitText = query.get("limit");
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw errors.badRequest(`invalid limit: ${limitText ?? ""}`);
  const end = limit > 0 ? Math.min(keyed.length, start + limit) : keyed.length;
  const page = keyed.slice(start, end).map(([, o]) => asVersion(o, gv));
  const metadata: ListPage["metadata"] = { resourceVersion: String(rv) };
  const last = keyed[end - 1];
  if (end < keyed.length && last) {
    metadata.continue = encodeContinue(rv, last[0]);
    metadata.remainingItemCount = keyed.length - end;
  }
  return { items: page, metadata };
}

/** How often a watch with allowWatchBookmarks gets a BOOKMARK (the apiserver: about once a minute). */
const BOOKMARK_MS = 5_000;
const DEFAULT_WATCH_SECONDS = 1800;

/** Serves `?watch=true` until timeoutSeconds, the client leaves, or the server closes. */
export function serveWatch(
  cluster: Cluster,
  kind: KindInfo,
  namespace: string | undefined,
  query: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  render: (o: KubeObject) => unknown = (o) => o,
): void {
  const gv = groupVersion(kind);
  const match = requestMatcher(query, kind);
  const inScope = (o: KubeObject) => (!kind.namespaced || namespace === undefined || o.metadata.namespace === namespace) && (!match || match(o));
  const rvText = query.get("resourceVersion") ?? "";
  const fromRv = rvText === "" || rvText === "0" ? undefined : Number(rvText);
  if (fromRv !== undefined && !Number.isInteger(fromRv)) throw errors.badRequest(`invalid resource version: ${rvText}`);
  const timeoutText = query.get("timeoutSeconds");
  const timeoutMs = (timeoutText ? Number(timeoutText) : DEFAULT_WATCH_SECONDS) * 1000;

  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private", "Transfer-Encoding": "chunked" });
  res.flushHeaders();
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);

  const initial = fromRv === undefined ? selected(cluster, kind, namespace, query).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1)) : [];
  const replay = fromRv === undefined ? [] : cluster.store.eventsSince(fromRv, storageKey(kind));
  if (replay === undefined) {
    send("ERROR", new StatusError(410, "Expired", `too old resource version: ${rvText} (${cluster.store.historyStart})`).toStatus());
    res.end();
    return;
  }
  for (const o of initial) send("ADDED", render(asVersion(o, gv)));
  // As the watch cache does: a change that moves an object into the selection is ADDED, out of it DELETED.
  const forward = (e: StoredEvent) => {
    const now = inScope(e.object);
    const before = e.type === "MODIFIED" && e.previous ? inScope(e.previous) : now;
    const type = now && before ? e.type : now ? "ADDED" : before ? "DELETED" : undefined;
    if (type) send(type, render(asVersion(e.object, gv)));
  };
  for (const e of replay) forward(e);
  const unsubscribe = cluster.store.subscribe(storageKey(kind), forward);
  const bookmark = () => send("BOOKMARK", { kind: kind.kind, apiVersion: gv, metadata: { resourceVersion: String(cluster.store.rv) } });
  const bookmarks = query.get("allowWatchBookmarks") === "true" ? setInterval(bookmark, BOOKMARK_MS) : undefined;
  const timeout = setTimeout(() => res.end(), timeoutMs);
  const stop = () => {
    unsubscribe();
    clearTimeout(timeout);
    if (bookmarks) clearInterval(bookmarks);
  };
  res.on("close", stop);
  req.on("close", stop);
}
