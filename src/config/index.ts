// The package's public entry: what cluster.config.ts imports from "hkctl".
export { defineConfig, defineStack, type StackModule } from "./define.js";
export type { ClusterConfig, ClusterConfigInput } from "./schema.js";
export { ref } from "../engine/values.js";
export type { ResourceDecl, Lifecycle, Stack } from "../engine/declaration.js";
export type { ResourceType, StepContext, Observed, ReadResult, Change, Owner, Cost } from "../engine/resource.js";
export { CreateFailedError } from "../engine/errors.js";
