// One emulator in a temp world with a recording proxy in front, for the conformance tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHcloudEmulator, type HcloudEmulator, type HcloudEmulatorOptions } from "../../../src/sandbox/hcloud/index.js";
import { OpenApiCheck } from "./openapi-check.js";
import { recordingProxy, type RecordingProxy } from "./recording-proxy.js";

export interface Fixture {
  dir: string;
  emulator: HcloudEmulator;
  proxy: RecordingProxy;
  /** Endpoint through the proxy. */
  url: string;
  /** Every recorded answer that does not match the spec (and forgets them). */
  drainProblems(): string[];
  close(): Promise<void>;
}

const check = new OpenApiCheck();

export async function startFixture(opts: Partial<HcloudEmulatorOptions> = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "hk-sandbox-"));
  const emulator = await startHcloudEmulator({ actionMs: 30, ...opts, dir });
  const proxy = await recordingProxy(emulator.url);
  return {
    dir,
    emulator,
    proxy,
    url: proxy.url,
    drainProblems() {
      const all = proxy.exchanges.splice(0).flatMap((x) => check.problems(x));
      return all;
    },
    async close() {
      await proxy.close();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
