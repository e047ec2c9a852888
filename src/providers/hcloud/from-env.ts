// The client as hk makes it for a real run: token from HCLOUD_TOKEN, endpoint from HCLOUD_ENDPOINT
// (honoured like the official CLI), both read only when a run needs Hetzner.
import { AbortError } from "../../engine/errors.js";
import { DEFAULT_ENDPOINT, HcloudClient, type HcloudClientOptions } from "./client.js";

export function hcloudClientFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, opts: Omit<HcloudClientOptions, "token" | "endpoint"> = {}): HcloudClient {
  const token = env["HCLOUD_TOKEN"]?.trim();
  if (!token) {
    throw new AbortError(
      "HCLOUD_TOKEN is not set: hk needs a Hetzner Cloud API token to read and change the project",
      "create a Read & Write API token in the Hetzner Cloud console (project → Security → API tokens), then: export HCLOUD_TOKEN=<token>",
    );
  }
  const endpoint = env["HCLOUD_ENDPOINT"]?.trim() || DEFAULT_ENDPOINT;
  return HcloudClient.create({ ...opts, token, endpoint });
}
