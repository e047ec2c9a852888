// The kinds one server serves: the built-in catalogue plus one KindInfo per served version of each
// established CRD. Objects are stored per storage key (group/kind), whatever version they come in.
import { builtinTable } from "./builtin-tables.js";
import { builtinKinds } from "./catalog.js";
import { crdKinds } from "./crd.js";
import type { KindInfo, KubeObject } from "./types.js";

/** Where objects of a kind live: one bucket per group and kind, shared by its versions. */
export function storageKey(kind: { group: string; kind: string }): string {
  return `${kind.group}/${kind.kind}`;
}

export function groupVersion(kind: { group: string; version: string }): string {
  return kind.group === "" ? kind.version : `${kind.group}/${kind.version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export class KindRegistry {
  private readonly builtins: KindInfo[];
  private readonly byCrd = new Map<string, KindInfo[]>();
  private byGvk = new Map<string, KindInfo>();
  private byGvr = new Map<string, KindInfo>();
  /** Bumped on every change, so discovery and OpenAPI answers can be cached by it. */
  generation = 0;

  constructor() {
    this.builtins = builtinKinds().map((k) => {
      const table = builtinTable(k.group, k.kind);
      return table ? { ...k, table } : k;
    });
    this.reindex();
  }

  /** Serves (or stops serving, when `crd` is undefined) the versions of the CRD named `name`. */
  setCrd(name: string, crd: KubeObject | undefined): void {
    if (crd) this.byCrd.set(name, crdKinds(crd));
    else this.byCrd.delete(name);
    this.reindex();
  }

  all(): KindInfo[] {
    return [...this.builtins, ...[...this.byCrd.values()].flat()];
  }

  byKind(apiVersion: string, kind: string): KindInfo | undefined {
    return this.byGvk.get(`${apiVersion}|${kind}`);
  }

  byResource(group: string, version: string, plural: string): KindInfo | undefined {
    return this.byGvr.get(`${group}|${version}|${plural}`);
  }

  /** Every served version of a group, preferred first (v1 > v1beta1 > v1alpha3). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const k of this.all()) {
      const versions = out.get(k.group) ?? [];
      if (!versions.includes(k.version)) versions.push(k.version);
      out.set(k.group, versions);
    }
    for (const versions of out.values()) versions.sort(compareVersions);
    return out;
  }

  kindsOf(group: string, version: string): KindInfo[] {
    return this.all().filter((k) => k.group === group && k.version === version);
  }

  private reindex(): void {
    const gvk = new Map<string, KindInfo>();
    const gvr = new Map<string, KindInfo>();
    for (const k of this.all()) {
      gvk.set(`${groupVersion(k)}|${k.kind}`, k);
      gvr.set(`${k.group}|${k.version}|${k.plural}`, k);
    }
    this.byGvk = gvk;
    this.byGvr = gvr;
    this.generation++;
  }
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const level = m[2] === undefined ? 0 : m[2] === "beta" ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}
