// Pure pieces of the hcloud types: label values, selectors, firewall rule forms and defaults.
import { describe, expect, it } from "vitest";
import { defaultFirewallRules, firewallRuleInput, type FirewallRule } from "../../../src/resources/hcloud/firewall-rules.js";
import { ruleFromApi, ruleToApi } from "../../../src/resources/hcloud/firewall-rules.js";
import { schematicLabel } from "../../../src/resources/hcloud/image-labels.js";
import { isLabelKey, isLabelValue, labelledFor, labelsInput, labelValue, ownerLabels, ownerMark, userLabels } from "../../../src/resources/hcloud/labels.js";

describe("label values", () => {
  it.each([
    ["k8s", "k8s"],
    ["hcloud_talos_image.amd64", "hcloud_talos_image.amd64"],
    ["talos-amd64-v1.12.2", "talos-amd64-v1.12.2"],
  ])("keeps the valid value %s", (text, want) => expect(labelValue(text)).toBe(want));

  it.each([["hcloud_server.cp[0]"], ["-leading"], ["x".repeat(80)], ["a b/c"]])("turns %s into a valid, distinct value", (text) => {
    const v = labelValue(text);
    expect(isLabelValue(v)).toBe(true);
    expect(v).not.toBe(labelValue(`${text}x`));
  });

  it("puts the stack, the address and the owning state's lineage on what hk creates", () => {
    const lineage = "0b6a1c4e-7d2f-4c1a-9e3b-5f8d2a6c4e10";
    expect(ownerLabels({ stack: "k8s", address: "hcloud_firewall.cluster", lineage })).toEqual({ "hk/stack": "k8s", "hk/address": "hcloud_firewall.cluster", "hk/lineage": lineage });
    expect(ownerMark({ "hk/lineage": lineage, "hk/stack": "k8s" })).toBe(lineage);
    expect(ownerMark({ "hk/stack": "k8s" })).toBeUndefined();
    // A lineage that is no label value as it stands is marked shortened, and still reads as itself.
    const odd = { stack: "k8s", address: "a.b", lineage: "hand written lineage" };
    expect(ownerMark(ownerLabels(odd), odd)).toBe(odd.lineage);
  });

  it("counts CAPH's and hk's labels as the stack's, nothing else", () => {
    expect(labelledFor({ "caph-cluster-k8s": "owned" }, "k8s")).toBe(true);
    expect(labelledFor({ "hk/stack": "k8s" }, "k8s")).toBe(true);
    expect(labelledFor({ "caph-cluster-k8s2": "owned", "hk/stack": "k8s2" }, "k8s")).toBe(false);
    expect(labelledFor({}, "k8s")).toBe(false);
  });

  it("separates user labels from hk's and the system's", () => {
    expect(userLabels({ "hk/stack": "k8s", "hk/build": "ab", os: "talos", team: "a" }, ["os"])).toEqual({ team: "a" });
  });

  it.each([
    ["env", true],
    ["example.com/env", true],
    ["hetzner.cloud/x", false],
    ["-x", false],
    ["a/b/c", false],
  ])("label key %s valid: %s", (key, valid) => expect(isLabelKey(key)).toBe(valid));

  it("refuses labels under hk/ and invalid values", () => {
    expect(labelsInput.safeParse({ team: "a" }).success).toBe(true);
    expect(labelsInput.safeParse({ "hk/stack": "x" }).success).toBe(false);
    expect(labelsInput.safeParse({ team: "not valid!" }).success).toBe(false);
  });

  it("keeps 32 hex digits of a schematic id (label values hold at most 63)", () => {
    const id = "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";
    expect(schematicLabel(id)).toBe(id.slice(0, 32));
    expect(isLabelValue(schematicLabel(id))).toBe(true);
  });
});

describe("firewall rules", () => {
  it("opens 6443 and 50000 to the admin CIDRs only, and ICMP", () => {
    const rules = defaultFirewallRules(["203.0.113.0/24", "203.0.113.0/24", "2001:db8::/32"]);
    expect(rules.map((r) => [r.protocol, r.port ?? "-", r.sourceIps.join(" ")])).toEqual([
      ["tcp", "6443", "203.0.113.0/24 2001:db8::/32"],
      ["tcp", "50000", "203.0.113.0/24 2001:db8::/32"],
      ["icmp", "-", "0.0.0.0/0 ::/0"],
    ]);
    for (const r of rules) expect(firewallRuleInput.safeParse(r).success).toBe(true);
  });

  it("opens no API port when there are no admin CIDRs", () => {
    expect(defaultFirewallRules([]).map((r) => r.protocol)).toEqual(["icmp"]);
  });

  it("reads back from the API form exactly as declared (no false drift)", () => {
    const rules: FirewallRule[] = [
      ...defaultFirewallRules(["10.0.0.0/8"]),
      { direction: "out", protocol: "udp", port: "53", sourceIps: [], destinationIps: ["0.0.0.0/0"] },
    ];
    const api = rules.map(ruleToApi).map((b) => ({ ...b, source_ips: b.source_ips ?? [], destination_ips: b.destination_ips ?? [], port: b.port ?? null, description: b.description ?? null }));
    expect(api.map(ruleFromApi)).toEqual(rules);
  });

  it.each([
    [{ protocol: "tcp", sourceIps: ["0.0.0.0/0"] }, /needs a port/],
    [{ protocol: "icmp", port: "1", sourceIps: ["0.0.0.0/0"] }, /has no port/],
    [{ protocol: "tcp", port: "22" }, /source addresses/],
    [{ protocol: "tcp", port: "22", sourceIps: ["1.2.3.4"] }, /CIDR/],
  ])("refuses %j", (rule, message) => {
    const r = firewallRuleInput.safeParse(rule);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });
});
