// Table answers (`kubectl get` asks `as=Table`): columns of the kind (built-in tables, a CRD's
// additionalPrinterColumns) or NAME and AGE, rows with PartialObjectMetadata unless told otherwise.
import type { ColumnDefinition, KindInfo, KubeObject, TableSpec } from "./types.js";

const NAME_COLUMN: ColumnDefinition = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

const AGE_DESCRIPTION =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** NAME and AGE: what a kind without its own columns shows. */
export const DEFAULT_TABLE: TableSpec = {
  columns: [NAME_COLUMN, { name: "Age", type: "date", format: "", description: AGE_DESCRIPTION, priority: 0 }],
  cells: (obj, now) => [obj.metadata.name ?? "", age(obj.metadata.creationTimestamp, now)],
};

/** k8s.io/apimachinery's HumanDuration of the time since `timestamp`: `45s`, `5m`, `3h12m`, `4d`. */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return "<invalid>";
  return humanDuration(now.getTime() - t);
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  if (h < 24 * 365 * 8) {
    const days = Math.floor(h / 24) % 365;
    return days === 0 ? `${Math.floor(h / 24 / 365)}y` : `${Math.floor(h / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(h / 24 / 365)}y`;
}

type Step = { field: string } | { index: number } | { filter: string; equals: string };

/** The JSONPath subset printer columns use: `.a.b`, `.a[0].b`, `.a[?(@.type=="Ready")].status`. */
export function compileJsonPath(path: string): (obj: unknown) => unknown {
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]|\['([^']+)'\]/gy;
  const text = path.trim().replace(/^\{(.*)\}$/, "$1").replace(/^\$/, "");
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: m[3], equals: m[4] ?? "" });
    else if (m[5] !== undefined) steps.push({ field: m[5] });
  }
  if (consumed !== text.length) return () => undefined;
  return (obj) => {
    let cur: unknown = obj;
    for (const step of steps) {
      if (cur === undefined || cur === null) return undefined;
      if ("field" in step) cur = (cur as Record<string, unknown>)[step.field];
      else if ("index" in step) cur = Array.isArray(cur) ? cur[step.index] : undefined;
      else cur = Array.isArray(cur) ? cur.find((item) => String(dig(item, step.filter)) === step.equals) : undefined;
    }
    return cur;
  };
}

function dig(obj: unknown, dotted: string): unknown {
  let cur = obj;
  for (const f of dotted.split(".")) cur = cur === null || typeof cur !== "object" ? undefined : (cur as Record<string, unknown>)[f];
  return cur;
}

interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A CRD version's additionalPrinterColumns as a TableSpec (NAME first, as the apiserver adds it). */
export function printerColumnsTable(columns: PrinterColumn[]): TableSpec {
  const getters = columns.map((c) => compileJsonPath(c.jsonPath));
  return {
    columns: [NAME_COLUMN, ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? "", description: c.description ?? "", priority: c.priority ?? 0 }))],
    cells: (obj, now) => [obj.metadata.name ?? "", ...columns.map((c, i) => cell(c.type, getters[i]?.(obj), now))],
  };
}

function cell(type: string, value: unknown, now: Date): unknown {
  if (value === undefined || value === null) return null;
  if (type === "date") return typeof value === "string" ? age(value, now) : null;
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

export type IncludeObject = "None" | "Metadata" | "Object";

/** A meta.k8s.io/v1 Table of `items`. */
export function toTable(kind: KindInfo, items: KubeObject[], include: IncludeObject, listMeta: Record<string, unknown>, now = new Date()): Record<string, unknown> {
  const spec = kind.table ?? DEFAULT_TABLE;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: spec.columns,
    rows: items.map((obj) => ({
      cells: spec.cells(obj, now),
      ...(include === "None" ? {} : { object: include === "Object" ? obj : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata } }),
    })),
  };
}
