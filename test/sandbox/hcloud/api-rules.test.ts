// The API's general rules as NOTES.md lists them, checked over plain HTTP: auth, rate limit headers,
// error envelope, pagination, sorting, filters, label semantics, locks, and the catalog.
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { startFixture, type Fixture } from "./emulator-fixture.js";

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ actionMs: 300 });
});
afterAll(() => fx.close());
afterEach(() => {
  expect(fx.drainProblems()).toEqual([]);
});

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

async function api(method: string, path: string, body?: unknown, token = "test-token"): Promise<Answer> {
  return apiAt(fx, method, path, body, token);
}

async function apiAt(at: Fixture, method: string, path: string, body?: unknown, token = "test-token"): Promise<Answer> {
  const res = await fetch(at.url + path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl rules@test";

/**
 * An emulator whose clock stands still until the test moves it, for what happens while an action
 * runs: a 300 ms action is still running however slowly the test's requests arrive. Closed, and
 * its answers checked against the spec, when the test ends.
 */
async function onClock(): Promise<{ fx: Fixture; advance(ms: number): void }> {
  let now = Date.now();
  const timed = await startFixture({ actionMs: 300, clock: () => now });
  onTestFinished(async () => {
    expect(timed.drainProblems()).toEqual([]);
    await timed.close();
  });
  return { fx: timed, advance: (ms) => void (now += ms) };
}

describe("API rules", () => {
  it("authenticates with any bearer token, refuses writes with a read-only one", async () => {
    expect((await api("GET", "/locations", undefined, "")).body.error).toEqual({ code: "unauthorized", message: "unable to authenticate", details: null });
    expect((await api("GET", "/locations", undefined, "ro-viewer")).status).toBe(200);
    const ro = await api("POST", "/ssh_keys", { name: "x", public_key: KEY }, "ro-viewer");
    expect([ro.status, ro.body.error.code]).toEqual([401, "token_readonly"]);
  });

  it("sends RateLimit headers on every answer and answers 429 past the limit", async () => {
    const limited = await startFixture({ rateLimit: 5 });
    try {
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${limited.url}/locations`, { headers: { Authorization: "Bearer t" } });
        expect(res.headers.get("ratelimit-limit")).toBe("5");
        expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000 - 1);
        seen.push(res.status);
        if (res.status === 429) expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
        else await res.text();
      }
      expect(seen).toEqual([200, 200, 200, 200, 200, 429]);
      limited.drainProblems();
    } finally {
      await limited.close();
    }
  });

  it("answers malformed requests with the documented codes", async () => {
    expect((await api("POST", "/ssh_keys", "{not json")).body.error.code).toBe("json_error");
    expect((await api("PATCH", "/ssh_keys")).body.error.code).toBe("method_not_allowed");
    expect((await api("GET", "/nothing")).status).toBe(404);
    const invalid = await api("POST", "/ssh_keys", { name: "k" });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details).toEqual({ fields: [{ name: "public_key", messages: ["is required"] }] });
    const badLabel = await api("POST", "/ssh_keys", { name: "k", public_key: KEY, labels: { "hetzner.cloud/x": "y" } });
    expect(badLabel.body.error.code).toBe("invalid_input");
    const badSelector = await api("GET", "/servers?label_selector=" + encodeURIComponent("a in b"));
    expect(badSelector.body.error.code).toBe("invalid_input");
    const allActions = await api("GET", "/actions");
    expect([allActions.status, allActions.body.error.code]).toEqual([410, "deprecated_api_endpoint"]);
    expect(allActions.body.error.details.announcement).toMatch(/^https:\/\/docs\.hetzner\.cloud\/changelog#/);
    expect((await api("GET", "/servers?per_page=0")).body.error.code).toBe("invalid_input");
  });

  it("answers a DELETE with 204, no body and no JSON content type", async () => {
    const key = await api("POST", "/ssh_keys", { name: "to-delete", public_key: KEY });
    const res = await fetch(`${fx.url}/ssh_keys/${key.body.ssh_key.id}`, { method: "DELETE", headers: { Authorization: "Bearer t" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("content-type")).toBeNull();
    expect(await res.text()).toBe("");
  });

  it("paginates with meta and a Link header, sorts, and filters by name and every selector operator", async () => {
    for (const [name, labels] of [
      ["pg-a", { env: "prod", tier: "db" }],
      ["pg-b", { env: "prod" }],
      ["pg-c", { env: "dev", tier: "web" }],
    ] as const) {
      expect((await api("POST", "/placement_groups", { name, type: "spread", labels })).body.action).toBeNull();
    }
    const page = await api("GET", "/placement_groups?per_page=2&page=1&sort=name:desc");
    expect(page.body.placement_groups.map((g: { name: string }) => g.name)).toEqual(["pg-c", "pg-b"]);
    expect(page.body.meta.pagination).toEqual({ page: 1, per_page: 2, previous_page: null, next_page: 2, last_page: 2, total_entries: 3 });
    const link = page.headers.get("link") ?? "";
    expect(link).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/v1\/placement_groups\?per_page=2&page=2&sort=name%3Adesc>; rel="next"/);
    expect(link).toContain('rel="last"');
    expect(link).not.toContain('rel="prev"');
    const last = await api("GET", "/placement_groups?per_page=2&page=2&sort=name:desc");
    expect(last.body.meta.pagination).toMatchObject({ previous_page: 1, next_page: null });
    const names = async (selector: string) =>
      (await api("GET", "/placement_groups?sort=name&label_selector=" + encodeURIComponent(selector))).body.placement_groups.map((g: { name: string }) => g.name);
    expect(await names("env=prod")).toEqual(["pg-a", "pg-b"]);
    expect(await names("env==prod,tier")).toEqual(["pg-a"]);
    expect(await names("env!=prod")).toEqual(["pg-c"]);
    expect(await names("!tier")).toEqual(["pg-b"]);
    expect(await names("tier in (db, web)")).toEqual(["pg-a", "pg-c"]);
    expect(await names("tier notin (db),env")).toEqual(["pg-b", "pg-c"]);
    expect((await api("GET", "/placement_groups?name=pg-b")).body.placement_groups).toHaveLength(1);
  });

  it("replaces the whole label set on PUT", async () => {
    const net = await api("POST", "/networks", { name: "labels-net", ip_range: "10.50.0.0/16", labels: { a: "1", b: "2" } });
    const put = await api("PUT", `/networks/${net.body.network.id}`, { labels: { c: "3" } });
    expect(put.body.network.labels).toEqual({ c: "3" });
    expect((await api("PUT", `/networks/${net.body.network.id}`, { name: "labels-net-2" })).body.network.labels).toEqual({ c: "3" });
  });

  it("locks a server while an action runs and reports progress until it finishes", async () => {
    const { fx: at, advance } = await onClock();
    const api = (method: string, path: string) => apiAt(at, method, path);
    const created = await apiAt(at, "POST", "/servers", { name: "locky", server_type: "cx23", image: "ubuntu-24.04", start_after_create: false });
    expect(created.body.server.status).toBe("initializing");
    expect(created.body.next_actions).toEqual([]);
    expect(created.body.server.locked).toBe(true);
    const busy = await api("POST", `/servers/${created.body.server.id}/actions/poweron`);
    expect([busy.status, busy.body.error.code]).toEqual([423, "locked"]);
    expect((await api("GET", `/actions/${created.body.action.id}`)).body.action).toMatchObject({ status: "running", progress: 0 });
    advance(150);
    expect((await api("GET", `/actions/${created.body.action.id}`)).body.action).toMatchObject({ status: "running", progress: 50 });
    advance(150);
    const a = await api("GET", `/actions/${created.body.action.id}`);
    expect(a.body.action).toMatchObject({ status: "success", progress: 100, command: "create_server" });
    const list = await api("GET", `/actions?id=${created.body.action.id}&page=1`);
    expect(list.body.actions).toHaveLength(1);
    expect((await api("GET", `/servers/${created.body.server.id}/actions`)).body.actions).toHaveLength(1);
    expect((await api("GET", `/servers/actions/${created.body.action.id}`)).body.action.id).toBe(created.body.action.id);
    expect((await api("GET", `/servers/${created.body.server.id}`)).body.server).toMatchObject({ status: "off", locked: false });
    const on = await api("POST", `/servers/${created.body.server.id}/actions/poweron`);
    expect(on.status).toBe(201);
    expect(on.body.action.progress).toBeLessThan(100);
    const del = await api("DELETE", `/servers/${created.body.server.id}`);
    expect([del.status, del.body.action.command]).toEqual([200, "delete_server"]);
    expect((await api("GET", `/servers/${created.body.server.id}`)).status).toBe(404);
  });

  it("answers a second network change with a transient 409 conflict", async () => {
    const { fx: at, advance } = await onClock();
    const api = (method: string, path: string, body?: unknown) => apiAt(at, method, path, body);
    const net = await api("POST", "/networks", { name: "busy-net", ip_range: "10.60.0.0/16" });
    const id = net.body.network.id;
    expect((await api("POST", `/networks/${id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", gateway: "" })).status).toBe(201);
    expect((await api("POST", `/networks/${id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central" })).body.error.code).toBe("conflict");
    advance(300);
    expect((await api("POST", `/networks/${id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central" })).status).toBe(201);
    expect((await api("GET", `/networks/${id}`)).body.network.subnets.map((s: { ip_range: string }) => s.ip_range)).toEqual(["10.60.0.0/24", "10.60.1.0/24"]);
  });

  it("creates servers from ID-or-name fields given as numbers or strings", async () => {
    const types = await api("GET", "/server_types?name=cx33");
    const images = await api("GET", "/images?name=debian-12&architecture=x86");
    const byId = await api("POST", "/servers", { name: "by-id", server_type: types.body.server_types[0].id, image: images.body.images[0].id, location: 3 });
    expect(byId.body.server.location.name).toBe("hel1");
    const byName = await api("POST", "/servers", { name: "by-name", server_type: "cax11", image: "debian-12", datacenter: "fsn1-dc14" });
    expect(byName.body.server.image.architecture).toBe("arm");
    expect(byName.body.server.datacenter.name).toBe("fsn1-dc14");
    expect((await api("POST", "/servers", { name: "by-id", server_type: "cx23", image: "debian-12" })).body.error.code).toBe("uniqueness_error");
  });

  it("keeps primary IPs and volumes findable by label until deleted, refusing what is still attached", async () => {
    const server = await api("POST", "/servers", { name: "ip-holder", server_type: "cx23", image: "debian-12", labels: { hk: "x" } });
    const ipv4 = server.body.server.public_net.ipv4.id;
    expect((await api("DELETE", `/primary_ips/${ipv4}`)).body.error.code).toBe("must_be_unassigned");
    const ip = await api("POST", "/primary_ips", { name: "spare", type: "ipv4", location: "nbg1", assignee_type: "server", labels: { stack: "k8s" } });
    expect(ip.status).toBe(201);
    const vol = await api("POST", "/volumes", { name: "data", size: 10, location: "nbg1", labels: { stack: "k8s" } });
    expect(vol.status).toBe(201);
    expect((await api("GET", "/primary_ips?label_selector=stack%3Dk8s")).body.primary_ips).toHaveLength(1);
    expect((await api("GET", "/volumes?label_selector=stack%3Dk8s")).body.volumes).toHaveLength(1);
    expect((await api("DELETE", `/primary_ips/${ip.body.primary_ip.id}`)).status).toBe(204);
    expect((await api("DELETE", `/volumes/${vol.body.volume.id}`)).status).toBe(204);
    await api("DELETE", `/servers/${server.body.server.id}`);
    expect((await api("GET", `/primary_ips/${ipv4}`)).status).toBe(404);
  });

  it("lists current server types (no cx22) with prices per location, and the pricing", async () => {
    const types = await api("GET", "/server_types?per_page=50");
    const names = types.body.server_types.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(["cx23", "cx33", "cx43", "cax11", "cpx22"]));
    expect(names).not.toContain("cx22");
    const cx33 = types.body.server_types.find((t: { name: string }) => t.name === "cx33");
    expect(cx33.architecture).toBe("x86");
    expect(cx33.prices.map((p: { location: string }) => p.location)).toEqual(["fsn1", "nbg1", "hel1"]);
    expect(cx33.prices[0].price_monthly).toEqual({ net: "5.4900000000", gross: "6.5331000000" });
    const pricing = (await api("GET", "/pricing")).body.pricing;
    expect(pricing.image.price_per_gb_month.net).toMatch(/^0\.\d+$/);
    expect(pricing.load_balancer_types.map((t: { name: string }) => t.name)).toEqual(["lb11", "lb21", "lb31"]);
    expect((await api("GET", "/locations?sort=name")).body.locations.map((l: { name: string }) => l.name)).toEqual(["ash", "fsn1", "hel1", "hil", "nbg1", "sin"]);
    expect((await api("GET", "/datacenters")).body.datacenters).toHaveLength(6);
  });
});
