// What a config file calls. defineConfig describes a cluster; defineStack declares resources
// directly with their own types (for tests and extensions: the engine underneath, unwrapped).
import type { ResourceDecl, Stack } from "../engine/declaration.js";
import type { AnyResourceType } from "../engine/resource.js";
import type { ClusterConfigInput } from "./schema.js";

export function defineConfig(config: ClusterConfigInput): ClusterConfigInput {
  return config;
}

export interface StackModule {
  kind: "stack";
  name: string;
  types: AnyResourceType[];
  resources: ResourceDecl[];
  outputs?: Stack["outputs"];
}

export function defineStack(stack: Omit<StackModule, "kind">): StackModule {
  return { kind: "stack", ...stack };
}

export function isStackModule(v: unknown): v is StackModule {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "stack";
}
