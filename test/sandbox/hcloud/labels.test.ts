// Label keys/values and selectors, table by table, with the API's documented examples.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/sandbox/hcloud/errors.js";
import { matches, parseLabels, parseSelector } from "../../../src/sandbox/hcloud/labels.js";

describe("labels", () => {
  it.each([
    ["environment", "development", true],
    ["example.com/my", "label", true],
    ["just-a-key", "", true],
    ["a.b_c-d", "v.1_2-3", true],
    ["-leading", "x", false],
    ["trailing-", "x", false],
    ["k", "-bad", false],
    ["k".repeat(64), "x", false],
    ["k", "v".repeat(64), false],
    ["Bad_Prefix!/name", "x", false],
    ["hetzner.cloud/reserved", "x", false],
    ["sub.hetzner.cloud/reserved", "x", false],
  ])("key %j value %j valid=%s", (key, value, valid) => {
    const run = () => parseLabels({ [key]: value });
    if (valid) expect(run()).toEqual({ [key]: value });
    else expect(run).toThrow(ApiError);
  });
});

describe("label selectors", () => {
  const labels = { env: "production", type: "web", "example.com/team": "a" };
  it.each([
    ["env=production,type!=database", true],
    ["env==production", true],
    ["env!=production", false],
    ["type", true],
    ["!type", false],
    ["!missing", true],
    ["missing!=x", true],
    ["env in (testing,staging)", false],
    ["env in (testing, production)", true],
    ["type notin (db,cache),env", true],
    ["missing notin (x)", true],
    ["missing in (x)", false],
    ["example.com/team=a", true],
    ["", true],
  ])("%j matches=%s", (selector, expected) => {
    expect(matches(parseSelector(selector), labels)).toBe(expected);
  });

  it.each(["a in b", "=x", "a==b==c", "in (x)", "a notin (x", "!!a"])("rejects %j with invalid_input", (selector) => {
    expect(() => parseSelector(selector)).toThrow(expect.objectContaining({ code: "invalid_input", status: 422 }));
  });
});
