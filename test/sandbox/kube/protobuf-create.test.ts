// kubectl's `create <kind>` subcommands go through client-go's typed clients, which send the
// object in Kubernetes' protobuf encoding: the emulated server takes those bodies for the kinds
// they are used with, and the objects read back as kubectl wrote them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeFixture, type KubeFixture } from "./support/kube-server.js";

let kube: KubeFixture;
beforeAll(async () => {
  kube = await startKubeFixture();
});
afterAll(async () => {
  await kube.close();
});

const json = async (args: string[]) => JSON.parse((await kube.kubectl([...args, "-o", "json"])).stdout) as Record<string, Record<string, unknown>>;

describe("kubectl create <kind> (protobuf bodies)", () => {
  it("creates a namespace, a generic secret, a configmap and a service account", async () => {
    expect(await kube.kubectl(["create", "namespace", "pb"])).toMatchObject({ exitCode: 0, stdout: "namespace/pb created" });
    expect(await kube.kubectl(["create", "secret", "generic", "s1", "-n", "pb", "--from-literal=token=abc", "--from-literal=empty="])).toMatchObject({ exitCode: 0, stdout: "secret/s1 created" });
    expect(await kube.kubectl(["create", "configmap", "c1", "-n", "pb", "--from-literal=a=1", "--from-literal=b=two words"])).toMatchObject({ exitCode: 0, stdout: "configmap/c1 created" });
    expect(await kube.kubectl(["create", "serviceaccount", "robot", "-n", "pb"])).toMatchObject({ exitCode: 0, stdout: "serviceaccount/robot created" });

    const secret = await json(["get", "secret", "s1", "-n", "pb"]);
    expect(secret.data).toEqual({ token: Buffer.from("abc").toString("base64"), empty: "" });
    expect(secret.type).toBe("Opaque");
    expect((await json(["get", "configmap", "c1", "-n", "pb"])).data).toEqual({ a: "1", b: "two words" });
    expect((await json(["get", "namespace", "pb"])).metadata?.name).toBe("pb");
  });

  it("a --type arrives, and a second create fails as kubectl words it", async () => {
    expect((await kube.kubectl(["create", "secret", "generic", "s2", "--from-literal=k=v", "--type=example.com/x"])).exitCode).toBe(0);
    expect((await json(["get", "secret", "s2"])).type).toBe("example.com/x");
    const again = await kube.kubectl(["create", "secret", "generic", "s2", "--from-literal=k=v"]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe('error: failed to create secret secrets "s2" already exists');
  });
});
