// Request bodies in Kubernetes' protobuf encoding, which client-go's typed clients send for
// built-in kinds (kubectl create secret|configmap|namespace|serviceaccount): the `k8s\0` magic,
// then a runtime.Unknown holding the type and the object's own message. The schema below covers
// those kinds' fields (field numbers as in k8s.io/api's generated.proto); any other kind answers
// 415, as if the server did not speak protobuf for it.
import protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string selfLink = 4;
  optional string uid = 5; optional string resourceVersion = 6; optional int64 generation = 7;
  optional Time creationTimestamp = 8; optional Time deletionTimestamp = 9; optional int64 deletionGracePeriodSeconds = 10;
  map<string, string> labels = 11; map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13; repeated string finalizers = 14;
}
message LocalObjectReference { optional string name = 1; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional string resourceVersion = 6; optional string fieldPath = 7; }
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message NamespaceSpec { repeated string finalizers = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; }
message Preconditions { optional string uid = 1; optional string resourceVersion = 2; }
message DeleteOptions { optional int64 gracePeriodSeconds = 1; optional Preconditions preconditions = 2; optional bool orphanDependents = 3; optional string propagationPolicy = 4; repeated string dryRun = 5; }
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }
message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; }
message EnvVar { optional string name = 1; optional string value = 2; }
message ResourceRequirements { }
message Container { optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4; optional string workingDir = 5; repeated ContainerPort ports = 6; repeated EnvVar env = 7; optional ResourceRequirements resources = 8; optional string imagePullPolicy = 14; }
message PodSpec { repeated Container containers = 2; optional string restartPolicy = 3; optional string serviceAccountName = 8; }
message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message DeploymentStrategy { optional string type = 1; }
message DeploymentSpec { optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3; optional DeploymentStrategy strategy = 4; optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6; optional bool paused = 7; optional int32 progressDeadlineSeconds = 9; }
message DeploymentStatus { }
message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional DeploymentStatus status = 3; }
message ServiceAccount { optional ObjectMeta metadata = 1; repeated ObjectReference secrets = 2; repeated LocalObjectReference imagePullSecrets = 3; optional bool automountServiceAccountToken = 4; }
`;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
/** Built-in kinds decoded here, by apiVersion/kind. */
const KINDS: Record<string, string> = {
  "v1/Secret": "Secret",
  "v1/ConfigMap": "ConfigMap",
  "v1/Namespace": "Namespace",
  "v1/ServiceAccount": "ServiceAccount",
  "apps/v1/Deployment": "Deployment",
  // The body of helm's (typed client) DELETEs, in the client's group version or meta's.
  "v1/DeleteOptions": "DeleteOptions",
  "meta.k8s.io/v1/DeleteOptions": "DeleteOptions",
};

let root: protobuf.Root | undefined;
function types(): protobuf.Root {
  root ??= protobuf.parse(SCHEMA, { keepCase: true }).root;
  return root;
}

export class UnsupportedProtobuf extends Error {}

function rfc3339(t: { seconds?: number | string }): string {
  return new Date(Number(t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** protobufjs's plain object, with Times as RFC 3339 strings and bytes as base64 (the JSON form). */
function toJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJson);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if ((k === "creationTimestamp" || k === "deletionTimestamp") && v && typeof v === "object") out[k] = rfc3339(v as { seconds?: number });
    else out[k] = toJson(v);
  }
  return out;
}

/** Decodes a protobuf request body into the object's JSON form; UnsupportedProtobuf for kinds it does not cover. */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw new UnsupportedProtobuf("the body does not start with the k8s protobuf magic");
  const Unknown = types().lookupType("k8s.Unknown");
  const unknown = Unknown.toObject(Unknown.decode(body.subarray(MAGIC.length))) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  const apiVersion = unknown.typeMeta?.apiVersion ?? "";
  const kind = unknown.typeMeta?.kind ?? "";
  const message = KINDS[`${apiVersion}/${kind}`];
  if (!message || !unknown.raw) throw new UnsupportedProtobuf(`protobuf bodies of ${apiVersion} ${kind} are not decoded`);
  const Type = types().lookupType(`k8s.${message}`);
  const obj = Type.toObject(Type.decode(unknown.raw), { longs: Number, bytes: String, defaults: false }) as Record<string, unknown>;
  return { apiVersion, kind, ...(toJson(obj) as Record<string, unknown>) };
}
