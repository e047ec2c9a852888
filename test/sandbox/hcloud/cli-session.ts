// A CLI session for the conformance tests: an emulator behind the recording proxy, a scratch HOME
// with the rules and user-data files the workflows use, and helpers that fail with the CLI's stderr.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { hcloud, type RunResult } from "./clients.js";
import { startFixture, type Fixture } from "./emulator-fixture.js";

export const PUBKEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl hk@test";
export const PUBKEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ5cwWSe7SrU7jFPhKDIGr5ErBzrC1R5oPHw4cO/Ajjm other@test";

export interface CliSession {
  fx: Fixture;
  home: string;
  cli(...args: string[]): Promise<RunResult>;
  ok(...args: string[]): Promise<string>;
  json<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  close(): Promise<void>;
}

export async function cliSession(): Promise<CliSession> {
  const fx = await startFixture();
  const home = await mkdtemp(join(tmpdir(), "hk-cli-home-"));
  await writeFile(
    join(home, "rules.json"),
    JSON.stringify([
      { direction: "in", protocol: "tcp", port: "6443", source_ips: ["0.0.0.0/0", "::/0"], description: "kube api" },
      { direction: "in", protocol: "icmp", source_ips: ["0.0.0.0/0", "::/0"] },
    ]),
  );
  await writeFile(join(home, "rules2.json"), JSON.stringify([{ direction: "in", protocol: "tcp", port: "50000-50001", source_ips: ["10.0.0.0/8"] }]));
  await writeFile(join(home, "user-data.yaml"), "#cloud-config\nruncmd: []\n");
  const cli = (...args: string[]) => hcloud(fx.url, home, args);
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    if (r.code !== 0) throw new Error(`hcloud ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  return {
    fx,
    home,
    cli,
    ok,
    json: async <T,>(...args: string[]) => JSON.parse(await ok(...args, "-o", "json")) as T,
    close: async () => {
      await fx.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** One CLI session per test file: started before, closed after, its schema problems checked after each test. */
export function useCliSession(): Pick<CliSession, "cli" | "ok" | "json"> & { session(): CliSession } {
  let session: CliSession;
  beforeAll(async () => {
    session = await cliSession();
  });
  afterAll(() => session.close());
  afterEach(() => {
    expect(session.fx.drainProblems()).toEqual([]);
  });
  return {
    cli: (...args) => session.cli(...args),
    ok: (...args) => session.ok(...args),
    json: (...args) => session.json(...args),
    session: () => session,
  };
}
