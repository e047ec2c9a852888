// prepareProviderRepository against a real local HTTP server serving release files (the named
// seam for github.com): clusterctl's local-repository layout, the config it writes, no second
// download, a failure that names the URL and leaves no file, and that the sandbox's clusterctl
// accepts the config it writes.
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExternalError } from "../../../src/engine/errors.js";
import { clusterctlVersion, type CapiProviderSet } from "../../../src/providers/clusterctl.js";
import { prepareProviderRepository } from "../../../src/providers/clusterctl-repository.js";
import { sandboxToolEnv } from "../../../src/sandbox/tools-env.js";

const PROVIDERS: CapiProviderSet = { core: "cluster-api:v1.10.10", infrastructure: "hetzner:v1.0.7", bootstrap: "talos:v0.6.11", controlPlane: "talos:v0.5.12", addon: "helm:v0.4.2" };

let dir: string;
let server: Server;
let base: string;
let requests: string[];
let failing: Map<string, number>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hk-repo-"));
  requests = [];
  failing = new Map();
  server = createServer((req, res) => {
    const url = req.url ?? "";
    requests.push(url);
    const status = failing.get(url);
    if (status !== undefined) {
      res.writeHead(status).end("nope");
      return;
    }
    if (!/\/releases\/download\/v[\d.]+\/[a-z-]+\.yaml$/.test(url)) {
      res.writeHead(404).end("Not Found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(`# ${url}\n`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe("prepareProviderRepository", () => {
  it("lays the release files out as clusterctl's local repository and writes its config", async () => {
    const config = await prepareProviderRepository(dir, PROVIDERS, { baseUrl: base });
    expect(config).toBe(join(dir, "clusterctl.yaml"));
    expect(readFileSync(join(dir, "infrastructure-hetzner/v1.0.7/infrastructure-components.yaml"), "utf8")).toBe("# /syself/cluster-api-provider-hetzner/releases/download/v1.0.7/infrastructure-components.yaml\n");
    expect(readdirSync(dir).sort()).toEqual(["addon-helm", "bootstrap-talos", "cert-manager", "cluster-api", "clusterctl.yaml", "control-plane-talos", "infrastructure-hetzner"]);
    expect(requests.sort()).toEqual(
      [
        "/kubernetes-sigs/cluster-api/releases/download/v1.10.10/core-components.yaml",
        "/kubernetes-sigs/cluster-api/releases/download/v1.10.10/metadata.yaml",
        "/siderolabs/cluster-api-bootstrap-provider-talos/releases/download/v0.6.11/bootstrap-components.yaml",
        "/siderolabs/cluster-api-bootstrap-provider-talos/releases/download/v0.6.11/metadata.yaml",
        "/siderolabs/cluster-api-control-plane-provider-talos/releases/download/v0.5.12/control-plane-components.yaml",
        "/siderolabs/cluster-api-control-plane-provider-talos/releases/download/v0.5.12/metadata.yaml",
        "/syself/cluster-api-provider-hetzner/releases/download/v1.0.7/infrastructure-components.yaml",
        "/syself/cluster-api-provider-hetzner/releases/download/v1.0.7/metadata.yaml",
        "/kubernetes-sigs/cluster-api-addon-provider-helm/releases/download/v0.4.2/addon-components.yaml",
        "/kubernetes-sigs/cluster-api-addon-provider-helm/releases/download/v0.4.2/metadata.yaml",
        "/cert-manager/cert-manager/releases/download/v1.19.1/cert-manager.yaml",
      ].sort(),
    );
    const doc = parse(readFileSync(config, "utf8")) as { providers: { name: string; url: string; type: string }[]; "cert-manager": { url: string; version: string } };
    expect(doc.providers).toContainEqual({ name: "hetzner", type: "InfrastructureProvider", url: `file://${dir}/infrastructure-hetzner/v1.0.7/infrastructure-components.yaml` });
    expect(doc.providers).toContainEqual({ name: "talos", type: "ControlPlaneProvider", url: `file://${dir}/control-plane-talos/v0.5.12/control-plane-components.yaml` });
    expect(doc.providers.map((p) => p.name)).toEqual(["cluster-api", "talos", "talos", "hetzner", "helm"]);
    expect(doc["cert-manager"]).toEqual({ url: `file://${dir}/cert-manager/v1.19.1/cert-manager.yaml`, version: "v1.19.1" });
  });

  it("does not download present files again; a new version fetches only its own", async () => {
    await prepareProviderRepository(dir, PROVIDERS, { baseUrl: base });
    requests = [];
    await prepareProviderRepository(dir, PROVIDERS, { baseUrl: base });
    expect(requests).toEqual([]);
    await prepareProviderRepository(dir, { ...PROVIDERS, infrastructure: "hetzner:v1.0.8" }, { baseUrl: base });
    expect(requests).toEqual(["/syself/cluster-api-provider-hetzner/releases/download/v1.0.8/infrastructure-components.yaml", "/syself/cluster-api-provider-hetzner/releases/download/v1.0.8/metadata.yaml"]);
  });

  it("a missing release names the URL, is not retried, and leaves no partial file", async () => {
    const url = "/syself/cluster-api-provider-hetzner/releases/download/v1.0.7/metadata.yaml";
    failing.set(url, 404);
    const err = await prepareProviderRepository(dir, PROVIDERS, { baseUrl: base }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toBe(`download of ${base}${url} failed: the server answered 404 Not Found`);
    expect(requests.filter((r) => r === url)).toHaveLength(1);
    expect(readdirSync(join(dir, "infrastructure-hetzner/v1.0.7"))).toEqual(["infrastructure-components.yaml"]);
    expect(existsSync(join(dir, "clusterctl.yaml"))).toBe(false);
  });

  it("a server error is retried a bounded number of times", async () => {
    const url = "/cert-manager/cert-manager/releases/download/v1.19.1/cert-manager.yaml";
    failing.set(url, 503);
    await expect(prepareProviderRepository(dir, PROVIDERS, { baseUrl: base, attempts: 2 })).rejects.toThrow(`download of ${base}${url} failed: the server answered 503 Service Unavailable`);
    expect(requests.filter((r) => r === url)).toHaveLength(2);
  });

  it("the sandbox's clusterctl accepts the config it writes, and names a broken one", async () => {
    const configPath = await prepareProviderRepository(dir, PROVIDERS, { baseUrl: base });
    const env = { env: { ...sandboxToolEnv(join(dir, "world")), HOME: dir } };
    expect(await clusterctlVersion({ ...env, configPath })).toBe("v1.10.10");
    await expect(clusterctlVersion({ ...env, configPath: join(dir, "missing.yaml") })).rejects.toThrow(`clusterctl version failed: failed to initialize the configuration reader: open ${join(dir, "missing.yaml")}: no such file or directory`);
  });
});
