// The kind bootstrap cluster's resource type.
export { DEFAULT_NODE_IMAGE, kindClusterInputs, kindClusterOutputs, kindClusterType, kindEndpoint, kindKubeconfigPath, type KindClusterDeps, type KindClusterInputs, type KindClusterOutputs } from "./kind-cluster.js";
