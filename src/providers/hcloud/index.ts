// The Hetzner Cloud client: transport, resource functions, prices.
export { DEFAULT_ENDPOINT, HcloudClient, type HcloudClientOptions, type RequestInfo, type RequestOptions } from "./client.js";
export { hcloudClientFromEnv } from "./from-env.js";
export type { WaitOptions } from "./actions.js";
export { deleteOne, getOne, isNotFound, postAction, runAction } from "./crud.js";
export * from "./compute.js";
export * from "./firewalls.js";
export * from "./network.js";
export * from "./catalog.js";
export type * from "./schemas.js";
