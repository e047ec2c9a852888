// The write path fills in the apiserver's defaults of built-in kinds, which clients dereference:
// a StatefulSet written without an updateStrategy rolls out under kubectl rollout status (it
// refused one without RollingUpdate), a Deployment without replicas has 1, a Service is ClusterIP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";

let kube: KubeFixture;
beforeAll(async () => {
  kube = await startKubeFixture();
});
afterAll(async () => {
  await kube.close();
});

const pod = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } });

describe("built-in defaults on write", () => {
  it("fills what rollout status and helm read", async () => {
    const objects = [
      { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "default" }, spec: { serviceName: "db", selector: { matchLabels: { app: "db" } }, template: pod("db") } },
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { selector: { matchLabels: { app: "web" } }, template: pod("web") } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    ];
    const applied = await kube.kubectl(["apply", "--server-side", "--field-manager=test", "-f", "-"], { input: objects.map((o) => JSON.stringify(o)).join("\n") });
    expect(applied.exitCode, applied.stderr).toBe(0);
    const rollout = await kube.kubectl(["rollout", "status", "statefulset/db", "--timeout=60s"]);
    expect(rollout.stderr).toBe("");
    expect(rollout.exitCode).toBe(0);
    expect((await kube.kubectl(["get", "statefulset", "db", "-o", "jsonpath={.spec.updateStrategy.type}"])).stdout).toBe("RollingUpdate");
    expect((await kube.kubectl(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.spec.strategy.type}"])).stdout).toBe("1 RollingUpdate");
    expect((await kube.kubectl(["get", "service", "web", "-o", "jsonpath={.spec.type} {.spec.ports[0].protocol}"])).stdout).toBe("ClusterIP TCP");
  });
});
