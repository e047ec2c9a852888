// List endpoints: `name` and `label_selector` filters, repeatable `sort=field[:asc|:desc]`,
// `page`/`per_page` (default 25, at most 50: larger values are clamped) with meta.pagination and a Link header.
import { invalidInput } from "./errors.js";
import { matches, parseSelector, type Labels } from "./labels.js";
import type { Ctx, Reply } from "./router.js";

export type SortKey<T> = (item: T) => string | number;

export interface ListOptions<T> {
  sort?: Record<string, SortKey<T>>;
  name?: (item: T) => string | null;
  labels?: (item: T) => Labels;
  render: (item: T) => unknown;
  maxPerPage?: number;
}

/** Applies the common filters (name, label_selector); resource-specific ones are done by the caller. */
export function filterCommon<T>(ctx: Ctx, items: readonly T[], opts: Pick<ListOptions<T>, "name" | "labels">): T[] {
  let out = [...items];
  const name = ctx.query.get("name");
  if (name !== null && opts.name) out = out.filter((i) => opts.name?.(i) === name);
  const selector = ctx.query.get("label_selector");
  if (selector !== null && opts.labels) {
    const reqs = parseSelector(selector);
    out = out.filter((i) => matches(reqs, opts.labels?.(i) ?? {}));
  }
  return out;
}

/** A positive integer query parameter; above `max` it is clamped to `max` (the spec gives 50 as a ceiling, not a schema maximum). */
function intParam(ctx: Ctx, key: string, fallback: number, max: number): number {
  const raw = ctx.query.get(key);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw invalidInput({ [key]: ["must be a positive integer"] });
  return Math.min(n, max);
}

function sortItems<T>(ctx: Ctx, items: T[], keys: Record<string, SortKey<T>> | undefined, id: SortKey<T>): T[] {
  const specs = ctx.query.getAll("sort").flatMap((s) => s.split(",")).filter(Boolean);
  const comparators = specs.map((spec) => {
    const [field = "", dir = "asc", extra] = spec.split(":");
    const key = field === "id" ? id : keys?.[field];
    if (!key || extra !== undefined || (dir !== "asc" && dir !== "desc")) throw invalidInput({ sort: [`invalid sort '${spec}'`] });
    const sign = dir === "desc" ? -1 : 1;
    return (a: T, b: T) => sign * compare(key(a), key(b));
  });
  comparators.push((a, b) => compare(id(a), id(b)));
  return items.sort((a, b) => {
    for (const c of comparators) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  });
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function listReply<T extends { id: number }>(ctx: Ctx, key: string, items: T[], opts: ListOptions<T>): Reply {
  const perPage = intParam(ctx, "per_page", 25, opts.maxPerPage ?? 50);
  const page = intParam(ctx, "page", 1, Number.MAX_SAFE_INTEGER);
  const sorted = sortItems(ctx, items, opts.sort, (i) => i.id);
  const total = sorted.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const slice = sorted.slice((page - 1) * perPage, page * perPage);
  const pagination = {
    page,
    per_page: perPage,
    previous_page: page > 1 ? Math.min(page - 1, lastPage) : null,
    next_page: page < lastPage ? page + 1 : null,
    last_page: lastPage,
    total_entries: total,
  };
  return {
    status: 200,
    body: { [key]: slice.map(opts.render), meta: { pagination } },
    headers: { Link: linkHeader(ctx.url, perPage, pagination) },
  };
}

function linkHeader(url: URL, perPage: number, p: { previous_page: number | null; next_page: number | null; last_page: number }): string {
  const at = (page: number) => {
    const u = new URL(url.href);
    u.searchParams.set("page", String(page));
    u.searchParams.set("per_page", String(perPage));
    return `<${u.href}>`;
  };
  const links: string[] = [];
  if (p.previous_page !== null) links.push(`${at(p.previous_page)}; rel="prev"`);
  if (p.next_page !== null) links.push(`${at(p.next_page)}; rel="next"`);
  links.push(`${at(p.last_page)}; rel="last"`);
  return links.join(", ");
}
