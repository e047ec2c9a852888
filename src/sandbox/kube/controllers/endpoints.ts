// The endpoints and endpointslice controllers: for each Service with a selector, an Endpoints of
// the same name (ready Pods in addresses, the others in notReadyAddresses) and one EndpointSlice
// `<svc>-<5 chars>` (owned by the Service), target ports resolved against the Pods' named ports.
// Deleting the Service deletes its Endpoints; the slice goes with it by owner reference.
import type { ClusterApi, KubeObject } from "../types.js";
import { deepEqual } from "../objects.js";
import { asArray, asObj, byName, controllerRef, freshName, MANAGER, mapSelectorString, type Obj } from "./meta.js";
import { isReady, podIP } from "./pods.js";
import { keyOf, splitKey, type Controller } from "./runtime.js";

const SLICES = "discovery.k8s.io/v1";
const SERVICE_NAME = "kubernetes.io/service-name";

function targetPort(svcPort: Obj, pod: KubeObject): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === "number") return target;
  for (const c of asArray(asObj(pod.spec).containers)) {
    const found = asArray(c.ports).find((p) => p.name === target);
    if (found && typeof found.containerPort === "number") return found.containerPort;
  }
  return undefined;
}

function address(pod: KubeObject): Obj {
  const nodeName = asObj(pod.spec).nodeName;
  return {
    ip: podIP(pod),
    ...(typeof nodeName === "string" ? { nodeName } : {}),
    targetRef: { kind: "Pod", name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
  };
}

function upsert(api: ClusterApi, existing: KubeObject | undefined, desired: KubeObject, same: (a: KubeObject) => boolean): void {
  if (!existing) api.create(desired, MANAGER);
  else if (!same(existing)) {
    const owners = desired.metadata.ownerReferences ? { ownerReferences: desired.metadata.ownerReferences } : {};
    api.update({ ...desired, metadata: { ...existing.metadata, labels: desired.metadata.labels ?? {}, ...owners } }, MANAGER);
  }
}

function reconcileService(api: ClusterApi, svc: KubeObject): void {
  const spec = asObj(svc.spec);
  const namespace = svc.metadata.namespace;
  const name = svc.metadata.name ?? "";
  const selector = asObj(spec.selector);
  if (Object.keys(selector).length === 0) return;
  const pods = api
    .list("v1", "Pod", namespace, mapSelectorString(selector))
    .filter((p) => !p.metadata.deletionTimestamp && podIP(p) !== undefined && asObj(p.status).phase !== "Succeeded" && asObj(p.status).phase !== "Failed")
    .sort(byName);
  const ports = asArray(spec.ports);
  const first = pods[0];
  const epPorts = ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: first ? (targetPort(p, first) ?? p.port) : p.port, protocol: p.protocol ?? "TCP", ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
  const publishAll = spec.publishNotReadyAddresses === true;
  const ready = pods.filter((p) => publishAll || isReady(p)).map(address);
  const notReady = pods.filter((p) => !publishAll && !isReady(p)).map(address);
  const subsets = pods.length === 0 ? undefined : [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ...(epPorts.length ? { ports: epPorts } : {}) }];
  const labels = { ...svc.metadata.labels };

  const endpoints: KubeObject = { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace: namespace ?? "default", labels }, ...(subsets ? { subsets } : {}) };
  const currentEp = api.get("v1", "Endpoints", namespace, name);
  upsert(api, currentEp, endpoints, (e) => deepEqual(e.subsets, endpoints.subsets) && deepEqual(e.metadata.labels, labels));

  if (!api.kindFor(SLICES, "EndpointSlice")) return;
  const sliceLabels = { ...labels, [SERVICE_NAME]: name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" };
  const endpointList = pods.map((p) => {
    const ok = publishAll || isReady(p);
    const nodeName = asObj(p.spec).nodeName;
    return {
      addresses: [podIP(p)],
      conditions: { ready: ok, serving: ok, terminating: false },
      ...(typeof nodeName === "string" ? { nodeName } : {}),
      targetRef: { kind: "Pod", name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
    };
  });
  const slicePorts = epPorts.map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol }));
  const existing = api.list(SLICES, "EndpointSlice", namespace, `${SERVICE_NAME}=${name}`).sort(byName)[0];
  const sliceName = existing?.metadata.name ?? freshName(`${name}-`, svc.metadata.uid ?? name, (n) => api.get(SLICES, "EndpointSlice", namespace, n) !== undefined);
  const slice: KubeObject = {
    apiVersion: SLICES,
    kind: "EndpointSlice",
    metadata: { name: sliceName, namespace: namespace ?? "default", labels: sliceLabels, ownerReferences: [controllerRef(svc)] },
    addressType: "IPv4",
    endpoints: endpointList,
    ports: slicePorts,
  };
  upsert(api, existing, slice, (s) => deepEqual(s.endpoints, slice.endpoints) && deepEqual(s.ports, slice.ports) && deepEqual(s.metadata.labels, sliceLabels));
}

export function endpointsController(api: ClusterApi): Controller {
  const servicesOf = (namespace: string | undefined) => api.list("v1", "Service", namespace).map(keyOf);
  return {
    name: "endpoints",
    primary: { apiVersion: "v1", kind: "Service" },
    watches: [
      { apiVersion: "v1", kind: "Service", keys: (e) => [keyOf(e.object)] },
      { apiVersion: "v1", kind: "Pod", keys: (e) => servicesOf(e.object.metadata.namespace) },
    ],
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const svc = api.get("v1", "Service", namespace, name);
      if (!svc) {
        const ep = api.get("v1", "Endpoints", namespace, name);
        if (ep && !(namespace === "default" && name === "kubernetes")) api.delete("v1", "Endpoints", namespace, name);
        return;
      }
      if (!svc.metadata.deletionTimestamp) reconcileService(api, svc);
    },
  };
}
