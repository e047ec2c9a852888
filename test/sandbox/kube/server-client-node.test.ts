// @kubernetes/client-node 1.4 against the emulated API server: KubernetesObjectApi's read, list,
// server-side apply and delete, Status errors as ApiException bodies, and a Watch that the server
// dropped (restart) resumed from the last resourceVersion it saw.
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";

let f: KubeFixture;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  f = await startKubeFixture();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(f.kubeconfig);
});
afterAll(async () => {
  await f.close();
});

const cm = (name: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", labels: { app: "client-node" } },
  data,
});

describe("client-node KubernetesObjectApi", () => {
  it("applies server-side, reads, lists by label and deletes", async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const created: k8s.KubernetesObject = await api.patch(cm("cn-1", { a: "1" }), undefined, undefined, "hk", true, k8s.PatchStrategy.ServerSideApply);
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    await api.patch(cm("cn-1", { a: "2" }), undefined, undefined, "hk", true, k8s.PatchStrategy.ServerSideApply);
    await api.patch(cm("cn-2", { b: "1" }), undefined, undefined, "hk", true, k8s.PatchStrategy.ServerSideApply);

    const read = (await api.read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cn-1", namespace: "default" } })) as k8s.V1ConfigMap;
    expect(read.data).toEqual({ a: "2" });
    const list = await api.list("v1", "ConfigMap", "default", undefined, undefined, undefined, undefined, "app=client-node");
    expect(list.items.map((i) => i.metadata?.name)).toEqual(["cn-1", "cn-2"]);

    await api.delete({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cn-1", namespace: "default" } });
    const err = await api.read({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cn-1", namespace: "default" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    const body = JSON.parse((err as k8s.ApiException<string>).body) as { reason: string; message: string; details: { kind: string } };
    expect([(err as k8s.ApiException<string>).code, body.reason, body.message, body.details.kind]).toEqual([404, "NotFound", 'configmaps "cn-1" not found', "configmaps"]);
  });

  it("lists with a set-based selector through CoreV1Api", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespace({ labelSelector: "kubernetes.io/metadata.name in (default,kube-system),!nope" });
    expect(list.items.map((n) => n.metadata?.name)).toEqual(["default", "kube-system"]);
    const bad = await core.listNamespace({ labelSelector: "a in (b" }).catch((e: unknown) => e);
    expect((bad as k8s.ApiException<string>).code).toBe(400);
  });
});

interface Seen {
  type: string;
  name: string;
  rv: string;
}

describe("client-node Watch", () => {
  it("sees the server drop it on restart, and resumes from the last resourceVersion", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: "default" });
    const seen: Seen[] = [];
    const waiters: (() => void)[] = [];
    const onEvent = (type: string, obj: k8s.V1ConfigMap) => {
      seen.push({ type, name: obj.metadata?.name ?? "", rv: obj.metadata?.resourceVersion ?? "" });
      waiters.splice(0).forEach((w) => w());
    };
    const until = (what: string, pred: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch: waited 20 s for ${what}`)), 20_000);
        const check = () => {
          if (pred()) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    const watch = new k8s.Watch(kc);
    let dropped!: (err: unknown) => void;
    const done = new Promise<unknown>((r) => (dropped = r));
    await watch.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true }, onEvent, (err) => dropped(err));
    f.server.api.create(cm("w-before", {}), "test");
    await until("ADDED w-before", () => seen.some((s) => s.name === "w-before" && s.type === "ADDED"));

    const restarting = f.server.restart(300);
    await done;
    // While the server is down, the cluster moves on (its controllers write in-process).
    f.server.api.create(cm("w-during", {}), "test");
    await restarting;
    const last = seen[seen.length - 1]?.rv ?? "";
    const again = await watch.watch("/api/v1/namespaces/default/configmaps", { resourceVersion: last, allowWatchBookmarks: true }, onEvent, () => undefined);
    await until("ADDED w-during (replayed from history)", () => seen.some((s) => s.name === "w-during"));
    f.server.api.create(cm("w-after", {}), "test");
    await until("ADDED w-after", () => seen.some((s) => s.name === "w-after"));
    again.abort();
    expect(seen.filter((s) => s.name.startsWith("w-")).map((s) => `${s.type} ${s.name}`)).toEqual(["ADDED w-before", "ADDED w-during", "ADDED w-after"]);
  });
});
