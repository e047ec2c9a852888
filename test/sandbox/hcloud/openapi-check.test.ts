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

  it("flags a body missing required fields, a wrong enum and a bad error envelope", () => {
    const sshKey = { id: 1, name: "k", fingerprint: "f", public_key: "p", labels: {}, created: "2026-01-01T00:00:00Z" };
    expect(check.problems({ method: "GET", path: "/ssh_keys/1", status: 200, contentType: json, body: JSON.stringify({ ssh_key: sshKey }) })).toEqual([]);
    const { fingerprint: _f, ...noFingerprint } = sshKey;
    expect(check.problems({ method: "GET", path: "/ssh_keys/1", status: 200, contentType: json, body: JSON.stringify({ ssh_key: noFingerprint }) })).not.toEqual([]);
    const badStatus = { id: 1, command: "x", status: "done", progress: 1, started: "2026-01-01T00:00:00Z", finished: null, resources: [], error: null };
    expect(check.problems({ method: "GET", path: "/actions/1", status: 200, contentType: json, body: JSON.stringify({ action: badStatus }) })).not.toEqual([]);
    expect(check.problems({ method: "GET", path: "/servers/1", status: 404, contentType: json, body: JSON.stringify({ code: "not_found" }) })).not.toEqual([]);
  });

  it("requires 204 answers to have no body and no JSON content type", () => {
    expect(check.problems({ method: "DELETE", path: "/ssh_keys/1", status: 204, contentType: undefined, body: "" })).toEqual([]);
    expect(check.problems({ method: "DELETE", path: "/ssh_keys/1", status: 204, contentType: json, body: "" })).toHaveLength(1);
  });
});
