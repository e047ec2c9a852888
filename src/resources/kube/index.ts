// Kubernetes resource types: kube_objects (a set of objects on one cluster).
export { kubeObjectsType, setSelector, type KubeObjectsDeps } from "./kube-objects.js";
export { kubeObjectsInputs, kubeObjectsOutputs, objectKey, type KubeObjectsInputs, type KubeObjectsOutputs, type ObjectInput } from "./objects-input.js";
export { projectOnto } from "./project.js";
