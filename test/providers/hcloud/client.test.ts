// The client's transport against a scripted server: auth errors, token secrecy, pagination,
// retries and their bounds, timeouts, rate limits and pacing, locked resources, action waits.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AbortError, ExternalError } from "../../../src/engine/errors.js";
import { HcloudClient, hcloudClientFromEnv, type HcloudClientOptions } from "../../../src/providers/hcloud/index.js";
import { action, apiErr, ok, page, scriptedServer, type Answer, type ScriptedServer, type SeenRequest } from "./scripted-server.js";
import { rejection } from "../../support/rejection.js";

const TOKEN = "s3cr3t-token-value-0123456789";
// Short waits everywhere but the per-request timeout: a loaded machine can take seconds to answer
// on loopback, and a timeout there would be one more request than a test counts.
const fast: Partial<HcloudClientOptions> = { backoffMs: { base: 5, max: 20 }, pollMs: { initial: 5, max: 20 }, rateLimitWaitMs: { min: 10, max: 2_000 }, timeoutMs: 30_000 };
const anything = z.unknown();

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(answer: (req: SeenRequest, n: number) => Answer | Promise<Answer>, opts: Partial<HcloudClientOptions> = {}) {
  server = await scriptedServer(answer);
  return HcloudClient.create({ token: TOKEN, endpoint: server.url, ...fast, ...opts });
}

describe("credentials", () => {
  it("refuses to start without HCLOUD_TOKEN and says how to get one", () => {
    const err = (() => {
      try {
        hcloudClientFromEnv({});
      } catch (e) {
        return e as AbortError;
      }
      throw new Error("expected an error");
    })();
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toMatch(/HCLOUD_TOKEN is not set/);
    expect(err.next).toMatch(/export HCLOUD_TOKEN=/);
  });

  it("honours HCLOUD_ENDPOINT and sends the token as a bearer", async () => {
    server = await scriptedServer(() => ok(page("locations", [], null)));
    const client = hcloudClientFromEnv({ HCLOUD_TOKEN: TOKEN, HCLOUD_ENDPOINT: `${server.url}/` });
    await client.verify();
    expect(client.endpoint).toBe(server.url);
    expect(server.seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("turns a rejected token into an AbortError before anything changes, without the token in it", async () => {
    const client = await setup(() => apiErr(401, "unauthorized", `token ${TOKEN} is not valid`));
    const err = await rejection(client.verify());
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toMatch(/rejected the API token/);
    expect(err.message).not.toContain(TOKEN);
    expect((err as AbortError).next).toMatch(/Read & Write/);
    expect(server?.seen.map((r) => r.method)).toEqual(["GET"]);
  });

  it("names a read-only token as such", async () => {
    const client = await setup(() => apiErr(401, "token_readonly", "read only"));
    const err = await rejection(client.request("POST", "/ssh_keys", { body: {}, schema: anything }));
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toMatch(/read-only/);
  });

  it("never shows the token: not in API error messages, not when the client is inspected", async () => {
    const client = await setup(() => apiErr(422, "invalid_input", `bad header Bearer ${TOKEN}`));
    const err = await rejection(client.request("POST", "/firewalls", { body: { name: "x" }, schema: anything }));
    expect(err).toBeInstanceOf(ExternalError);
    expect(err.message).toContain("invalid_input");
    expect(err.message).not.toContain(TOKEN);
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    expect(JSON.stringify(client)).not.toContain(TOKEN);
  });
});

describe("pagination", () => {
  it("asks for 50 per page and follows next_page", async () => {
    const items = Array.from({ length: 120 }, (_, i) => ({ id: i + 1 }));
    const client = await setup((req) => {
      const p = Number(req.query.get("page"));
      return ok(page("things", items.slice((p - 1) * 50, p * 50), p < 3 ? p + 1 : null));
    });
    const all = await client.list("/things", "things", z.object({ id: z.number() }), { label_selector: "a=b" });
    expect(all).toHaveLength(120);
    expect(server?.seen.map((r) => [r.query.get("page"), r.query.get("per_page"), r.query.get("label_selector")])).toEqual([
      ["1", "50", "a=b"],
      ["2", "50", "a=b"],
      ["3", "50", "a=b"],
    ]);
  });

  it("fetches the pages after the first a few at a time when the first names the last, in order, once each", async () => {
    const items = Array.from({ length: 420 }, (_, i) => ({ id: i + 1 }));
    // Pages after the first are held until four are in flight (or every page was asked for), so
    // the count does not depend on how close together the requests arrive.
    let inFlight = 0;
    let most = 0;
    let asked = 0;
    let held: Array<() => void> = [];
    const client = await setup(async (req) => {
      const p = Number(req.query.get("page"));
      inFlight++;
      most = Math.max(most, inFlight);
      if (p > 1) {
        asked++;
        const go = new Promise<void>((resolve) => held.push(resolve));
        if (held.length === 4 || asked === 8) {
          for (const r of held) r();
          held = [];
        }
        const stuck = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${inFlight} page requests in flight for 20 s, expected 4`)), 20_000).unref());
        await Promise.race([go, stuck]);
      }
      inFlight--;
      const body = page("things", items.slice((p - 1) * 50, p * 50), p < 9 ? p + 1 : null) as { meta: { pagination: Record<string, unknown> } };
      body.meta.pagination = { ...body.meta.pagination, page: p, last_page: 9, total_entries: 420 };
      return ok(body);
    });
    const all = await client.list("/things", "things", z.object({ id: z.number() }));
    expect(all.map((t) => t.id)).toEqual(items.map((t) => t.id));
    expect(server?.seen.map((r) => Number(r.query.get("page"))).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server?.seen[0]?.query.get("page")).toBe("1");
    expect(most).toBe(4);
  });

  it("follows a next_page beyond the last page the first one named (objects added meanwhile)", async () => {
    const client = await setup((req) => {
      const p = Number(req.query.get("page"));
      const body = page("things", [{ id: p }], p < 3 ? p + 1 : null) as { meta: { pagination: Record<string, unknown> } };
      body.meta.pagination = { ...body.meta.pagination, page: p, last_page: p === 1 ? 2 : 3 };
      return ok(body);
    });
    expect((await client.list("/things", "things", z.object({ id: z.number() }))).map((t) => t.id)).toEqual([1, 2, 3]);
  });
});

describe("retries", () => {
  it("retries 5xx answers and dropped connections, then succeeds", async () => {
    const client = await setup((_, n) => (n === 1 ? apiErr(503, "unavailable") : n === 2 ? "drop" : n === 3 ? { status: 502, body: "<html>" } : ok({ fine: true })));
    await expect(client.request("GET", "/x", { schema: anything })).resolves.toEqual({ fine: true });
    expect(server?.seen).toHaveLength(4);
  });

  it("gives up after maxAttempts instead of retrying forever", async () => {
    const client = await setup(() => apiErr(409, "conflict", "busy"), { maxAttempts: 3 });
    const err = await rejection(client.request("POST", "/networks/1/actions/add_subnet", { body: {}, schema: anything }));
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).code).toBe("conflict");
    expect(err.message).toMatch(/3 attempts/);
    expect(server?.seen).toHaveLength(3);
  });

  it("names the endpoint and the system error when nothing answers there", async () => {
    const closed = await scriptedServer(() => ok({}));
    const endpoint = closed.url;
    await closed.close();
    const client = HcloudClient.create({ token: TOKEN, endpoint, ...fast, maxAttempts: 2 });
    const err = await rejection(client.request("GET", "/locations", { schema: anything }));
    expect(err).toBeInstanceOf(ExternalError);
    expect(err.message).toBe(`Hetzner Cloud API GET /locations at ${endpoint.replace(/\/+$/, "")}: connection failed (ECONNREFUSED) (2 attempts)`);
  });

  it("does not retry what retrying cannot fix", async () => {
    const client = await setup(() => apiErr(422, "invalid_input", "name is missing"));
    const err = await rejection(client.request("POST", "/servers", { body: {}, schema: anything }));
    expect((err as ExternalError).code).toBe("invalid_input");
    expect(server?.seen).toHaveLength(1);
  });

  it("times a silent request out and tries again", async () => {
    const client = await setup((_, n) => (n === 1 ? "hang" : ok({ fine: true })), { timeoutMs: 200 });
    const started = Date.now();
    await expect(client.request("GET", "/x", { schema: anything })).resolves.toEqual({ fine: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("after an unclear answer to a create, finds what the first attempt made instead of making a second one", async () => {
    const client = await setup((req, n) => (n === 1 ? "drop" : req.method === "POST" ? apiErr(409, "uniqueness_error", "name is already used") : ok({})));
    let looked = 0;
    const made = await client.request("POST", "/ssh_keys", {
      body: { name: "k" },
      schema: z.object({ id: z.number() }),
      recover: async () => {
        looked++;
        return looked >= 2 ? { id: 7 } : undefined;
      },
    });
    expect(made).toEqual({ id: 7 });
    expect(server?.seen.filter((r) => r.method === "POST")).toHaveLength(2);
  });

  it("stops waiting as soon as the signal aborts", async () => {
    const controller = new AbortController();
    // Aborted once the first attempt was answered: the client is then in a backoff of 20-40 s.
    const client = (
      await setup(() => {
        setImmediate(() => controller.abort());
        return apiErr(503, "unavailable");
      }, { backoffMs: { base: 40_000, max: 40_000 } })
    ).withSignal(controller.signal);
    const started = Date.now();
    const err = await rejection(client.request("GET", "/x", { schema: anything }));
    expect((err as ExternalError).code).toBe("interrupted");
    expect(Date.now() - started, "the backoff ran its course instead of stopping at the abort").toBeLessThan(20_000);
    expect(server?.seen).toHaveLength(1);
  });
});

describe("rate limit", () => {
  it("waits for RateLimit-Reset after a 429 with an empty bucket, then retries", async () => {
    let resetAt = 0;
    const client = await setup((_, n) => {
      if (n === 1) {
        resetAt = Math.ceil(Date.now() / 1000) + 1;
        return apiErr(429, "rate_limit_exceeded", "slow down", { "RateLimit-Limit": "3600", "RateLimit-Remaining": "0", "RateLimit-Reset": String(resetAt) });
      }
      return ok({ fine: true }, { "RateLimit-Limit": "3600", "RateLimit-Remaining": "1000", "RateLimit-Reset": String(resetAt) });
    });
    await client.request("GET", "/x", { schema: anything });
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt * 1000 - 5);
    expect(server?.seen).toHaveLength(2);
  });

  it("paces requests out when RateLimit-Remaining is below the floor", async () => {
    // 5 of 100 left, full again in 10 s: one request refills every ~105 ms, so hk leaves ~210 ms between requests.
    const low = () => ({ "RateLimit-Limit": "100", "RateLimit-Remaining": "5", "RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 10) });
    const client = await setup(() => ok({}, low()));
    await client.request("GET", "/x", { schema: anything });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await client.request("GET", "/x", { schema: anything });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(client.budget).toEqual({ limit: 100, remaining: 5 });
  });

  it("does not pace while the budget is above the floor", async () => {
    // 80 of 100 left, full again in 100 s: paced, hk would leave 10 s between requests.
    const plenty = () => ({ "RateLimit-Limit": "100", "RateLimit-Remaining": "80", "RateLimit-Reset": String(Math.floor(Date.now() / 1000) + 100) });
    const client = await setup(() => ok({}, plenty()));
    const started = Date.now();
    for (let i = 0; i < 4; i++) await client.request("GET", "/x", { schema: anything });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("actions", () => {
  it("waits for the running action of a locked resource, then retries", async () => {
    let polls = 0;
    const client = await setup((req) => {
      if (req.path === "/servers/1/actions/poweroff") return server!.seen.filter((r) => r.path === req.path).length === 1 ? apiErr(423, "locked", "busy") : { status: 201, body: { action: action(9, "success") } };
      if (req.path === "/servers/1/actions") return ok(page("actions", [action(5)], null));
      if (req.path === "/actions") return ok(page("actions", [action(5, ++polls >= 2 ? "success" : "running")], null));
      return apiErr(404, "not_found");
    });
    await client.request("POST", "/servers/1/actions/poweroff", { body: {}, schema: anything });
    expect(server?.seen.map((r) => r.path)).toEqual(["/servers/1/actions/poweroff", "/servers/1/actions", "/actions", "/actions", "/servers/1/actions/poweroff"]);
  });

  it("polls many actions in one call and fails with the failed action's code and message", async () => {
    let polls = 0;
    const client = await setup(() => {
      polls++;
      return ok(page("actions", [action(1, "success"), action(2, polls > 1 ? "error" : "running", polls > 1 ? { code: "no_space", message: "disk full" } : undefined), action(3, "running")], null));
    });
    const err = await rejection(client.waitActions([action(1), action(2), action(3)] as never));
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).code).toBe("no_space");
    expect(err.message).toMatch(/disk full/);
    expect(server?.seen[0]?.query.getAll("id")).toEqual(["1", "2", "3"]);
    expect(server?.seen).toHaveLength(2);
  });
});
