// hk's Kubernetes client: see client.ts (calls), wait.ts (watch-based waits), errors.ts (one-line failures).
export { FIELD_MANAGER, KubeClient, refOf, type CallOptions, type KindMapping, type KubeClientOptions, type KubeMeta, type KubeObject } from "./client.js";
export { describeRef, isNotFound, kubeError, parseStatus, statusCode, type ObjectRef } from "./errors.js";
export { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.js";
export { hasCondition, waitCondition, waitForObject, waitGone, watchPath, type WaitOptions } from "./wait.js";
