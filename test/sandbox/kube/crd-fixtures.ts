// The vendored CRDs (vendor/crds, copies of shared/reference/crds), read once, for the semantics tests: each served
// version's openAPIV3Schema by kind.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import type { JSONSchemaProps } from "../../../src/sandbox/kube/types.js";

export const CRD_DIR = resolve(import.meta.dirname, "../../../vendor/crds");

interface CrdVersion { name: string; served: boolean; schema?: { openAPIV3Schema: JSONSchemaProps } }
export interface CrdDoc { spec: { group: string; names: { kind: string }; versions: CrdVersion[] } }

/** Every CRD file path under the reference folder. */
export function crdFiles(): string[] {
  return readdirSync(CRD_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(CRD_DIR, d.name)).filter((f) => f.endsWith(".yaml")).map((f) => join(CRD_DIR, d.name, f)));
}

/** Served schemas keyed "group/version Kind". */
export function servedSchemas(): Map<string, JSONSchemaProps> {
  const out = new Map<string, JSONSchemaProps>();
  for (const file of crdFiles()) {
    const crd = parse(readFileSync(file, "utf8")) as CrdDoc;
    for (const v of crd.spec.versions) {
      if (v.served && v.schema) out.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return out;
}
