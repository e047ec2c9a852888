// The Cluster API resource types and the graph they form for a cluster config.
export { capiClusterType, type CapiClusterDeps, type CapiClusterInputs, type CapiClusterOutputs } from "./cluster-type.js";
export { capiPivotType, type CapiPivotDeps } from "./pivot-type.js";
export { capiProvidersType, type CapiProvidersDeps } from "./providers-type.js";
export { capiResources, CLUSTER_ADDRESS, KIND_ADDRESS, PIVOT_ADDRESS, workloadFiles } from "./graph.js";
