// Collecting a paginated list. Page 1 comes first; when its meta names the last page, the rest are
// fetched a few at a time (the same number of calls, a fraction of the wait: a refresh of 5,000
// objects is 100 pages); otherwise next_page is followed one page after another, as the API
// documents. A last page that still names a next one (objects added meanwhile) is followed too.

export interface Page<T> {
  items: T[];
  next?: number | null | undefined;
  last?: number | null | undefined;
}

/** Pages fetched at once after the first; low enough to leave CAPH and the CCM their share of the API. */
export const PAGE_CONCURRENCY = 4;

export async function collectPages<T>(fetchPage: (page: number) => Promise<Page<T>>, concurrency = PAGE_CONCURRENCY): Promise<T[]> {
  const first = await fetchPage(1);
  const out = [...first.items];
  let page = 1;
  let next = first.next;
  const last = first.last;
  if (typeof last === "number" && last > 1 && next === 2) {
    const numbers = Array.from({ length: last - 1 }, (_, i) => i + 2);
    const pages: Array<Page<T>> = new Array<Page<T>>(numbers.length);
    let taken = 0;
    const worker = async () => {
      while (taken < numbers.length) {
        const i = taken++;
        pages[i] = await fetchPage(numbers[i] as number);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, numbers.length) }, worker));
    for (const p of pages) out.push(...p.items);
    page = last;
    next = pages.at(-1)?.next;
  }
  while (typeof next === "number" && next > page) {
    page = next;
    const p = await fetchPage(page);
    out.push(...p.items);
    next = p.next;
  }
  return out;
}
