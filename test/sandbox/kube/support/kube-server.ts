// One emulated API server in a temp dir, its kubeconfig written out, and real kubectl run
// against it with a cold discovery cache (its own HOME per fixture).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { kubeconfigYaml, makeClusterPki, startKubeApiServer, type ClusterPki, type KubeApiServer, type KubeApiServerOptions } from "../../../../src/sandbox/kube/index.js";
import { freshClientEnv, KUBECTL, requireKubeTools } from "../../../support/kube-tools.js";

export interface KubeFixture {
  dir: string;
  /** Replaceable: a test that restarts the server on the same port puts the new one here. */
  server: KubeApiServer;
  pki: ClusterPki;
  /** Path of a kind-style kubeconfig for the server (context kind-test). */
  kubeconfig: string;
  env: NodeJS.ProcessEnv;
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Writes `text` to a file in the fixture dir and returns its path. */
  file(name: string, text: string): Promise<string>;
  close(): Promise<void>;
}

let sharedPki: Promise<ClusterPki> | undefined;

/** One PKI per test file: RSA key generation is the slow part of starting a server. */
export function testPki(): Promise<ClusterPki> {
  sharedPki ??= makeClusterPki("test");
  return sharedPki;
}

export async function startKubeFixture(opts: Partial<KubeApiServerOptions> = {}): Promise<KubeFixture> {
  requireKubeTools();
  const dir = await mkdtemp(join(tmpdir(), "hk-kube-"));
  const pki = opts.pki ?? (await testPki());
  const server = await startKubeApiServer({ name: "test", dataFile: join(dir, "objects.json"), pki, serverVersion: "v1.33.1", faults: undefined, ...opts });
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, kubeconfigYaml({ name: "kind-test", server: server.url, pki }), { mode: 0o600 });
  const env = await freshClientEnv({ KUBECONFIG: kubeconfig });
  const fixture: KubeFixture = {
    dir,
    server,
    pki,
    kubeconfig,
    env,
    async kubectl(args, o = {}) {
      const r = await execa(KUBECTL, args, { env, extendEnv: false, reject: false, timeout: o.timeoutMs ?? 60_000, ...(o.input !== undefined ? { input: o.input } : {}) });
      return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    async file(name, text) {
      const p = join(dir, name);
      await writeFile(p, text);
      return p;
    },
    async close() {
      // The test may have replaced the server (a restart on the same port): close the current one.
      await fixture.server.close();
      await rm(dir, { recursive: true, force: true });
      if (env.HOME) await rm(env.HOME, { recursive: true, force: true });
    },
  };
  return fixture;
}
