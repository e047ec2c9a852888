// hk's clusterctl client against a RECORDING FAKE clusterctl on PATH (the named seam): a shell
// script that appends its argv and CLUSTERCTL_DISABLE_VERSIONCHECK to a file and answers as
// clusterctl v1.10 does (logs on stderr, data on stdout, `Error: ...` and exit 1 on failure).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExternalError } from "../../../src/engine/errors.js";
import {
  clusterctlDescribe,
  clusterctlGetKubeconfig,
  clusterctlInit,
  clusterctlMove,
  clusterctlUpgradeApply,
  clusterctlVersion,
  runClusterctl,
  type CapiProviderSet,
  type ClusterctlEnv,
} from "../../../src/providers/clusterctl.js";

const FAKE = `#!/bin/sh
printf '%s|' "$@" >> "$REC"
printf 'VC=%s\\n' "$CLUSTERCTL_DISABLE_VERSIONCHECK" >> "$REC"
case "$1" in
  version) echo v1.10.10 ;;
  init) echo 'Fetching providers' >&2; echo 'Installing provider="cluster-api" version="v1.10.10" targetNamespace="capi-system"' >&2; echo; echo 'Your management cluster has been initialized successfully!' ;;
  move) echo 'Performing move...' >&2; echo 'Discovering Cluster API objects' >&2; echo 'Moving Cluster API objects Clusters=1' >&2; echo 'Moving Cluster API objects ClusterClasses=0' >&2; echo 'Creating objects in the target cluster' >&2 ;;
  get) printf 'apiVersion: v1\\nkind: Config\\n' ;;
  describe) printf 'NAME READY\\nCluster/k8s True\\n' ;;
  upgrade) echo 'Error: failed to get provider components for the "cluster-api" provider: target version v9.9.9 not found' >&2; exit 1 ;;
  hang) echo 'started' >&2; exec sleep 600 ;;
esac
`;

const PROVIDERS: CapiProviderSet = { core: "cluster-api:v1.10.10", infrastructure: "hetzner:v1.0.7", bootstrap: "talos:v0.6.11", controlPlane: "talos:v0.5.12", addon: "helm:v0.4.2" };

let dir: string;
let env: ClusterctlEnv;
const recorded = () => readFileSync(join(dir, "rec"), "utf8").trim().split("\n");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hk-clusterctl-fake-"));
  writeFileSync(join(dir, "clusterctl"), FAKE);
  chmodSync(join(dir, "clusterctl"), 0o755);
  env = { env: { PATH: `${dir}:${process.env.PATH ?? ""}`, REC: join(dir, "rec"), CLUSTERCTL_DISABLE_VERSIONCHECK: "false" } };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("clusterctl client argv and env", () => {
  it("init passes every provider in type order, the kubeconfig, --wait-providers, the timeout and the config; lines reach onLine", async () => {
    const lines: string[] = [];
    await clusterctlInit({ ...env, configPath: "/repo/clusterctl.yaml", onLine: (l) => lines.push(l) }, { kubeconfig: "/k/mgmt", providers: PROVIDERS, waitTimeoutSeconds: 600 });
    expect(recorded()).toEqual([
      "init|--core|cluster-api:v1.10.10|--bootstrap|talos:v0.6.11|--control-plane|talos:v0.5.12|--infrastructure|hetzner:v1.0.7|--addon|helm:v0.4.2|--kubeconfig|/k/mgmt|--wait-providers|--wait-provider-timeout|600|--config|/repo/clusterctl.yaml|VC=true",
    ]);
    expect(lines).toContain('Installing provider="cluster-api" version="v1.10.10" targetNamespace="capi-system"');
    expect(lines).toContain("Your management cluster has been initialized successfully!");
  });

  it("move names both kubeconfigs and the namespace, and reports the Clusters count", async () => {
    const r = await clusterctlMove(env, { kubeconfig: "/k/kind", toKubeconfig: "/k/wl", namespace: "default", dryRun: true });
    expect(r).toEqual({ moved: 1 });
    expect(recorded()).toEqual(["move|--kubeconfig|/k/kind|--to-kubeconfig|/k/wl|--namespace|default|--dry-run|VC=true"]);
  });

  it("get kubeconfig, describe and version return stdout", async () => {
    expect(await clusterctlGetKubeconfig(env, { kubeconfig: "/k/m", cluster: "k8s", namespace: "ns1" })).toBe("apiVersion: v1\nkind: Config\n");
    expect(await clusterctlDescribe(env, { kubeconfig: "/k/m", cluster: "k8s" })).toContain("Cluster/k8s True");
    expect(await clusterctlVersion(env)).toBe("v1.10.10");
    expect(recorded()).toEqual([
      "get|kubeconfig|k8s|--namespace|ns1|--kubeconfig|/k/m|VC=true",
      "describe|cluster|k8s|--kubeconfig|/k/m|VC=true",
      "version|--output|short|VC=true",
    ]);
  });

  it("upgrade apply names each provider instance namespace/name:version, and a failure carries clusterctl's Error: line", async () => {
    const err = await clusterctlUpgradeApply(env, { kubeconfig: "/k/m", providers: { ...PROVIDERS, core: "cluster-api:v9.9.9" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toBe('clusterctl upgrade apply failed: failed to get provider components for the "cluster-api" provider: target version v9.9.9 not found');
    expect(recorded()).toEqual([
      "upgrade|apply|--core|capi-system/cluster-api:v9.9.9|--bootstrap|cabpt-system/talos:v0.6.11|--control-plane|cacppt-system/talos:v0.5.12|--infrastructure|caph-system/hetzner:v1.0.7|--addon|caaph-system/helm:v0.4.2|--kubeconfig|/k/m|--wait-providers|VC=true",
    ]);
  });

  it("an aborted signal stops the child at once with code interrupted", async () => {
    const ac = new AbortController();
    const started = Date.now();
    const run = runClusterctl(
      { ...env, signal: ac.signal, onLine: (l) => l === "started" && ac.abort() },
      ["hang"],
      "clusterctl hang",
    );
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).code).toBe("interrupted");
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("a missing clusterctl is named as not installed", async () => {
    const err = await clusterctlVersion({ env: { PATH: dir }, bin: join(dir, "nope") }).catch((e: unknown) => e);
    expect((err as ExternalError).code).toBe("not-installed");
  });
});
