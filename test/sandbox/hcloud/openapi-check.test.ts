// The schema checker itself must catch what the conformance tests rely on it to catch.
import { describe, expect, it } from "vitest";
import { OpenApiCheck } from "./openapi-check.js";

const check = new OpenApiCheck();
const json = "application/json";

describe("OpenApiCheck", () => {
  it("matches literal paths before templated ones", () => {
    expect(check.operation("GET", "/servers/actions")).toBe("GET /servers/actions");
    expect(check.operation("GET", "/servers/42")).toBe("GET /servers/{id}");
    expect(check.operation("POST", "/servers/42/actions/poweroff")).toBe("POST /servers/{id}/actions/poweroff");
  });

  it("knows the assign and protection actions of primary IPs and volumes, so their answers are checked too", () => {
    for (const path of ["/primary_ips/7/actions/assign", "/primary_ips/7/actions/change_protection", "/volumes/7/actions/change_protection"]) {
      expect(check.operation("POST", path)).toBe(`POST ${path.replace("/7/", "/{id}/")}`);
    }
  });

  it("flags a body missing required fields, a wrong enum and a bad error envelope", () => {
    const sshKey = { id: 1, name: "k", fingerprint: "f", public_key: "p", labels: {}, created: "2026-01-01T00:00:00Z" };
    expect(check.problems({ method: "GET", path: "/ssh_keys/1", status: 200, contentType: json, body: JSON.stringify({ ssh_key: sshKey }) })).toEqual([]);
    const { fingerprint: _f, ...noFingerprint } = sshKey;
    expect(check.problems({ method: "GET", path: "/ssh_keys/1", status: 200, contentType: json, body: JSON.stringify({ ssh_key: noFingerprint }) })).not.toEqual([]);
    const badStatus = { id: 1, command: "x", status: "done", progress: 1, started: "2026-01-01T00:00:00Z", finished: null, resources: [], error: null };
    expect(check.problems({ method: "GET", path: "/actions/1", status: 200, contentType: json, body: JSON.stringify({ action: badStatus }) })).not.toEqual([]);
    expect(check.problems({ method: "GET", path: "/servers/1", status: 404, contentType: json, body: JSON.stringify({ code: "not_found" }) })).not.toEqual([]);
  });

  it("takes a primary IP's legacy datacenter only when it is a valid Datacenter, and nothing else extra", () => {
    const loc = { id: 1, name: "fsn1", description: "d", country: "DE", city: "c", latitude: 1, longitude: 2, network_zone: "eu-central" };
    const ip = { id: 1, name: "p", labels: {}, created: "2026-01-01T00:00:00Z", blocked: false, location: loc, ip: "203.0.113.1", dns_ptr: [], protection: { delete: false }, type: "ipv4", auto_delete: false, assignee_type: "server", assignee_id: null };
    const dc = { id: 4, name: "fsn1-dc14", description: "d", location: loc, server_types: { supported: [1], available: [1], available_for_migration: [1] } };
    const answer = (primary_ip: unknown) => check.problems({ method: "GET", path: "/primary_ips/1", status: 200, contentType: json, body: JSON.stringify({ primary_ip }) });
    expect(answer(ip)).toEqual([]);
    expect(answer({ ...ip, datacenter: dc })).toEqual([]);
    expect(answer({ ...ip, datacenter: { id: 4 } })).not.toEqual([]);
    expect(answer({ ...ip, extra: 1 })).not.toEqual([]);
  });

  it("requires 204 answers to have no body and no JSON content type", () => {
    expect(check.problems({ method: "DELETE", path: "/ssh_keys/1", status: 204, contentType: undefined, body: "" })).toEqual([]);
    expect(check.problems({ method: "DELETE", path: "/ssh_keys/1", status: 204, contentType: json, body: "" })).toHaveLength(1);
  });
});
