// The column and cell helpers of the built-in tables, after k8s.io/kubernetes'
// pkg/printers/internalversion: column definitions as TableColumnDefinition, and the formatting
// helpers the printers share (labels.FormatLabels, metav1.FormatLabelSelector, access modes,
// container lists). The server prints as if `-o wide` (kubectl hides priority-1 columns).
import { age } from "./table.js";
import type { ColumnDefinition, KubeObject, TableSpec } from "./types.js";

export type Obj = Record<string, unknown>;

export function o(value: unknown): Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {};
}

export function arr(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(o) : [];
}

export function n(value: unknown, fallback = 0): number {
  return typeof value === "number" ? value : fallback;
}

export function s(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

const NAME_DOC = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DOC = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** A column; `wide` ones are priority 1 (shown by `kubectl get -o wide`). */
export function col(name: string, type: string, description: string, wide = false): ColumnDefinition {
  return { name, type, format: "", description, priority: wide ? 1 : 0 };
}

export const NAME: ColumnDefinition = { name: "Name", type: "string", format: "name", description: NAME_DOC, priority: 0 };
export const AGE = col("Age", "string", AGE_DOC);
export const CONTAINERS = col("Containers", "string", "Names of each container in the template.", true);
export const IMAGES = col("Images", "string", "Images referenced by each container in the template.", true);

export const name = (obj: KubeObject): string => obj.metadata.name ?? "";
export const created = (obj: KubeObject, now: Date): string => age(obj.metadata.creationTimestamp, now);

/** The apiserver's default table (kinds with no printer: Roles, CRDs...): NAME and CREATED AT. */
export const CREATED_AT_TABLE: TableSpec = {
  columns: [NAME, { name: "Created At", type: "date", format: "", description: AGE_DOC, priority: 0 }],
  cells: (obj) => [name(obj), obj.metadata.creationTimestamp ?? ""],
};

/** `a=b,c=d` sorted by key, or `<none>` (labels.FormatLabels). */
export function formatLabels(map: unknown): string {
  const entries = Object.entries(o(map)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? "<none>" : entries.map(([k, v]) => `${k}=${String(v)}`).join(",");
}

/** A LabelSelector as labels.Selector.String(): requirements sorted by key; `none` when empty. */
export function formatSelector(selector: unknown, none = "<none>"): string {
  if (selector === undefined || selector === null) return none;
  const sel = o(selector);
  const reqs: [string, string][] = Object.entries(o(sel.matchLabels)).map(([k, v]) => [k, `${k}=${String(v)}`]);
  for (const e of arr(sel.matchExpressions)) {
    const key = s(e.key);
    const values = (Array.isArray(e.values) ? e.values.map(String) : []).sort().join(",");
    if (e.operator === "In") reqs.push([key, `${key} in (${values})`]);
    else if (e.operator === "NotIn") reqs.push([key, `${key} notin (${values})`]);
    else if (e.operator === "Exists") reqs.push([key, key]);
    else if (e.operator === "DoesNotExist") reqs.push([key, `!${key}`]);
  }
  const text = reqs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r).join(",");
  return text === "" ? none : text;
}

/** Container names and images of a pod spec, comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const cs = arr(o(podSpec).containers);
  return [cs.map((c) => s(c.name)).join(","), cs.map((c) => s(c.image)).join(",")];
}

const MODES: [string, string][] = [
  ["ReadWriteOnce", "RWO"],
  ["ReadOnlyMany", "ROX"],
  ["ReadWriteMany", "RWX"],
  ["ReadWriteOncePod", "RWOP"],
];

/** helper.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order. */
export function accessModes(modes: unknown): string {
  const list = Array.isArray(modes) ? modes.map(String) : [];
  return MODES.filter(([m]) => list.includes(m)).map(([, short]) => short).join(",");
}

export function hasCondition(obj: KubeObject, type: string): boolean {
  return arr(o(obj.status).conditions).some((c) => c.type === type && c.status === "True");
}

export function ageOf(timestamp: unknown, now: Date): string {
  return typeof timestamp === "string" ? age(timestamp, now) : "<unknown>";
}
