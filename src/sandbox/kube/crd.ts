// A CustomResourceDefinition as the server reads it: the kinds it serves (one per served version)
// and the status the apiextensions controllers would give it (names accepted, established at once).
import { printerColumnsTable } from "./table.js";
import type { JSONSchemaProps, KindInfo, KubeObject } from "./types.js";

interface CrdNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: object; scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }[];
}

interface CrdSpec {
  group?: string;
  names?: CrdNames;
  scope?: string;
  versions?: CrdVersion[];
}

const VERBS = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

function specOf(crd: KubeObject): CrdSpec {
  return (crd.spec ?? {}) as CrdSpec;
}

/** One KindInfo per served version of `crd`. */
export function crdKinds(crd: KubeObject): KindInfo[] {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const kind = names.kind ?? "";
  const out: KindInfo[] = [];
  for (const v of spec.versions ?? []) {
    if (!v.served || !v.name) continue;
    const scale = v.subresources?.scale;
    const columns = v.additionalPrinterColumns ?? [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }];
    const info: KindInfo = {
      group: spec.group ?? "",
      version: v.name,
      kind,
      listKind: names.listKind ?? `${kind}List`,
      plural: names.plural ?? `${kind.toLowerCase()}s`,
      singular: names.singular ?? kind.toLowerCase(),
      namespaced: spec.scope !== "Cluster",
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: VERBS,
      subresources: {
        status: v.subresources?.status !== undefined,
        ...(scale?.specReplicasPath && scale.statusReplicasPath
          ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } }
          : {}),
      },
      builtin: false,
      hasGeneration: true,
      table: printerColumnsTable(columns),
      crd: crd.metadata.name ?? "",
    };
    if (v.schema?.openAPIV3Schema) info.schema = v.schema.openAPIV3Schema;
    out.push(info);
  }
  return out;
}

/** The CRD's names and the problems that keep it from being served (checked on every write). */
export function crdProblems(crd: KubeObject): string[] {
  const spec = specOf(crd);
  const problems: string[] = [];
  const names = spec.names ?? {};
  if (!spec.group) problems.push("spec.group: Required value");
  if (!names.plural) problems.push("spec.names.plural: Required value");
  if (!names.kind) problems.push("spec.names.kind: Required value");
  if (spec.group && names.plural && crd.metadata.name !== `${names.plural}.${spec.group}`)
    problems.push(`metadata.name: Invalid value: "${crd.metadata.name ?? ""}": must be spec.names.plural+"."+spec.group`);
  const versions = spec.versions ?? [];
  if (versions.length === 0) problems.push("spec.versions: Invalid value: []: must have exactly one version marked as storage version");
  else if (versions.filter((v) => v.storage).length !== 1) problems.push("spec.versions: Invalid value: must have exactly one version marked as storage version");
  return problems;
}

/** status of an accepted, established CRD, keeping condition times that did not change. */
export function crdStatus(crd: KubeObject, previous: KubeObject | undefined, now: string): Record<string, unknown> {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const prevConds = ((previous?.status as { conditions?: { type: string; lastTransitionTime?: string }[] } | undefined)?.conditions ?? []);
  const since = (type: string) => prevConds.find((c) => c.type === type)?.lastTransitionTime ?? now;
  const acceptedNames = {
    plural: names.plural,
    singular: names.singular ?? (names.kind ?? "").toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind ?? ""}List`,
    ...(names.shortNames ? { shortNames: names.shortNames } : {}),
    ...(names.categories ? { categories: names.categories } : {}),
  };
  const storage = (spec.versions ?? []).find((v) => v.storage)?.name;
  const prevStored = ((previous?.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? []);
  const storedVersions = storage && !prevStored.includes(storage) ? [...prevStored, storage] : prevStored;
  return {
    conditions: [
      { type: "NamesAccepted", status: "True", lastTransitionTime: since("NamesAccepted"), reason: "NoConflicts", message: "no conflicts found" },
      { type: "Established", status: "True", lastTransitionTime: since("Established"), reason: "InitialNamesAccepted", message: "the initial names have been accepted" },
    ],
    acceptedNames,
    storedVersions,
  };
}
