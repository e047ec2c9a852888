import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { Plan } from "../engine/plan.js";
import { quietPlan, samplePlan } from "../../test/ui/sample-plan.js";
import { formatPlan, renderPlan } from "./render-plan.js";

const ESC = "\u001b";

/** A stream that records what is written, posing as a terminal or not. */
function capture(tty: boolean, columns = 100) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  let text = "";
  stream.on("data", (c: Buffer) => (text += c.toString()));
  stream.isTTY = tty;
  stream.columns = columns;
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe("formatPlan", () => {
  it("shows drift, recovery, every action, unknowns, secrets, a YAML diff and costs", () => {
    expect(formatPlan(samplePlan(), { color: false, width: 100 })).toMatchInlineSnapshot(`
      "Objects changed outside hk:
        ~ hcloud_firewall.cluster  # changed outside hk
            rules.0.port: "50000" → "50001"
        - hcloud_server.worker-1  # deleted outside hk

      Recovered from an interrupted run:
        • interrupted create of hcloud_network.cluster (started 2025-01-01T00:00:00Z by pid 42): found the
            object it made (id 77); adopted into the state

      hk will perform these actions:

      Create (3):
        + hcloud_network.cluster
            ip_range: "10.0.0.0/16"
            labels: {
              "hk/stack": "k8s"
            }
            name:     "k8s"
            subnets: [
              {
                ip_range:     "10.0.1.0/24"
                network_zone: "eu-central"
                type:         "cloud"
              },
            ]

        + hcloud_server.cp-1
            empty:       []
            name:        "k8s-cp-1"
            network_id:  (known after apply)
            server_type: "cx33"
            user_data:   (sensitive)

        + hcloud_server.bootstrap  # temporary: created for this run, deleted after
            name:  "k8s-bootstrap"
            token: (known during apply)

      Update in place (1):
        ~ hcloud_firewall.cluster [id=123]  # protected
            rules.0.port: "50001" → "50000"
            labels.owner: (none) → "hk"
            rules.2:
              + {
              +   direction: "in"
              +   port:      "6443"
              +   source_ips: [
              +     "0.0.0.0/0",
              +     "::/0",
              +   ]
              + }
            api_token: (sensitive) → (sensitive)

      Replace (2):
        +/- talos_machine_config.cp-1 [id=cfg-1]  # forces replacement: talosVersion
            talosVersion: "v1.9.5" → "v1.10.3"  # forces replacement
            machineConfig:
              @@ -1,10 +1,11 @@
               machine:
                 type: controlplane
                 install:
              -    image: ghcr.io/siderolabs/installer:v1.9.5
              +    image: ghcr.io/siderolabs/installer:v1.10.3
                   disk: /dev/sda
                 kubelet:
                   extraArgs:
                     rotate-server-certificates: "true"
               cluster:
              +  allowSchedulingOnControlPlanes: false
                 name: k8s

        -/+ hcloud_server.cp-2 [id=456]  # forces replacement: image
            image: "talos-1.9" → "talos-1.10"  # forces replacement
            ipv4: "1.2.3.4" → (known after apply)

      Delete (2):
        - hcloud_server.old [id=789]  # removed from config
            labels: {
              "hk/stack": "k8s"
              role:       "worker"
            }
            name:        "k8s-old"
            server_type: "cx22"

        - hcloud_server.cp-3 (deposed) [id=555]  # deposed by a create-before-destroy replacement
            name: "k8s-cp-3"

      Read / adopt (1):
        <= hcloud_ssh_key.admin [id=42]  # adopt existing object 42

      2 unchanged.

      Cost estimate (monthly):
        + €12.49/month  hcloud_server.cp-1  cx33 in nbg1
        + €5.54/month   CAPH                load balancer lb11 for the API
        - €0.54/month   hcloud_server.old   primary IPv4
        Net change: + €17.49/month

      Plan: 4 to add, 1 to change, 5 to destroy."
    `);
  });

  it("has no escape codes without colour, and the same text with colour once stripped", () => {
    const plain = formatPlan(samplePlan(), { color: false, width: 100 });
    const colored = formatPlan(samplePlan(), { color: true, width: 100 });
    expect(plain).not.toContain(ESC);
    expect(colored).toContain(`${ESC}[32m+${ESC}[39m`);
    expect(stripVTControlCharacters(colored)).toBe(plain);
  });

  it("keeps every line within the width, continuing long ones indented", () => {
    const text = formatPlan(samplePlan(), { color: false, width: 60 });
    for (const l of text.split("\n")) expect(l.length).toBeLessThanOrEqual(60);
    expect(text).toContain("  • interrupted create of hcloud_network.cluster (started\n      2025-01-01T00:00:00Z");
  });

  it("says there is nothing to do, and that the drift needs no action", () => {
    expect(formatPlan(quietPlan(), { color: false })).toMatchInlineSnapshot(`
      "Objects changed outside hk:
        ~ hcloud_firewall.cluster  # changed outside hk
            rules.0.port: "50000" → "50001"

      No changes. Your infrastructure matches the configuration.
      The objects changed outside hk (above) need no action to match the configuration."
    `);
  });

  it("says so when a destroy finds nothing to destroy", () => {
    const plan: Plan = { ...quietPlan(), mode: "destroy", drift: [], entries: [] };
    expect(formatPlan(plan, { color: false })).toBe("No changes. No objects need to be destroyed.");
  });

  it("ends a destroy plan with the same summary line", () => {
    const p = samplePlan();
    const plan: Plan = { ...p, mode: "destroy", drift: [], recovered: [], costs: [], entries: p.entries.filter((e) => e.action === "delete"), summary: { add: 0, change: 0, destroy: 2 } };
    const text = formatPlan(plan, { color: false });
    expect(text.split("\n")[0]).toBe("hk will destroy these objects:");
    expect(text.split("\n").at(-1)).toBe("Plan: 0 to add, 0 to change, 2 to destroy.");
  });

  it("nets costs to a saving", () => {
    const plan: Plan = { ...quietPlan(), drift: [], costs: [{ subject: "hcloud_primary_ip.x", sign: -1, monthly: 0.54, currency: "EUR", what: "IPv4" }] };
    plan.entries = [{ address: "hcloud_primary_ip.x", type: "hcloud_primary_ip", action: "delete", id: "1", before: { name: "x" }, changes: [], dependencies: [] }];
    const text = formatPlan(plan, { color: false });
    expect(text).toContain("  Net change: - €0.54/month\n");
    expect(text).not.toContain("saved");
  });

  it("shows a crumb of a cost as under a cent, with its sign, and an exact zero as zero", () => {
    const crumb = (sign: 1 | -1, monthly: number) => ({ subject: "hcloud_talos_image.talos", sign, monthly, currency: "EUR", what: "snapshot, 0.01 GB" });
    const plan: Plan = { ...quietPlan(), drift: [], costs: [crumb(-1, 0.0001), crumb(1, 0.0001)], summary: { add: 1, change: 0, destroy: 1 } };
    plan.entries = [{ address: "hcloud_talos_image.talos", type: "hcloud_talos_image", action: "replace", replaceOrder: "create-before-destroy", id: "1", before: { v: "1" }, after: { v: "2" }, changes: [{ path: "v", before: "1", after: "2", forcesReplacement: true }], dependencies: [] }];
    const text = formatPlan(plan, { color: false });
    expect(text).toContain("  - <€0.01/month  hcloud_talos_image.talos");
    expect(text).toContain("  + <€0.01/month  hcloud_talos_image.talos");
    expect(text).toContain("  Net change: €0.00/month");
  });

  it("nets the figures as shown, so the lines add up to the net (the demo plan's costs)", () => {
    const cost = (subject: string, monthly: number) => ({ subject, sign: 1 as const, monthly, currency: "EUR", what: "x" });
    const plan: Plan = { ...quietPlan(), drift: [], costs: [cost("a", 0.0138), cost("b", 19.604), cost("c", 1.7849), cost("d", 6.4123)], summary: { add: 4, change: 0, destroy: 0 } };
    plan.entries = ["a", "b", "c", "d"].map((a) => ({ address: a, type: "t", action: "create" as const, after: {}, changes: [], dependencies: [] }));
    const text = formatPlan(plan, { color: false });
    expect(text.split("\n").filter((l) => l.includes("/month"))).toEqual([
      "  + €0.01/month   a  x",
      "  + €19.60/month  b  x",
      "  + €1.78/month   c  x",
      "  + €6.41/month   d  x",
      "  Net change: + €27.80/month",
    ]);
  });

  it("says a net crumb is under a cent, with one sign and no 'saved'", () => {
    const plan: Plan = { ...quietPlan(), drift: [], costs: [{ subject: "hcloud_talos_image.talos", sign: -1, monthly: 0.0001, currency: "EUR", what: "snapshot" }], summary: { add: 0, change: 0, destroy: 1 } };
    plan.entries = [{ address: "hcloud_talos_image.talos", type: "hcloud_talos_image", action: "delete", id: "1", before: { v: "1" }, changes: [], dependencies: [] }];
    expect(formatPlan(plan, { color: false })).toContain("  Net change: - <€0.01/month\n");
  });
});

describe("list changes", () => {
  const rule = (port: string, description: string) => ({ description, destinationIps: [], direction: "in", port, protocol: "tcp", sourceIps: ["0.0.0.0/0"] });
  const rules = [rule("6443", "Kubernetes API"), rule("50000", "Talos API"), rule("50001", "trustd")];
  const added = [...rules, rule("22", "")];

  it("shows a rule added outside hk as that rule alone, in the drift and in the plan, with the rest counted", () => {
    const plan: Plan = {
      ...quietPlan(),
      drift: [{ address: "hcloud_firewall.cluster", kind: "changed", changes: [{ path: "rules", before: rules, after: added, forcesReplacement: false }] }],
      entries: [{ address: "hcloud_firewall.cluster", type: "hcloud_firewall", action: "update", id: "7", before: { rules: added }, after: { rules }, changes: [{ path: "rules", before: added, after: rules, forcesReplacement: false }], dependencies: [] }],
      summary: { add: 0, change: 1, destroy: 0 },
    };
    expect(formatPlan(plan, { color: false })).toMatchInlineSnapshot(`
      "Objects changed outside hk:
        ~ hcloud_firewall.cluster  # changed outside hk
            rules: [
                # (3 unchanged elements hidden)
              + {
              +   description:    ""
              +   destinationIps: []
              +   direction:      "in"
              +   port:           "22"
              +   protocol:       "tcp"
              +   sourceIps: [
              +     "0.0.0.0/0",
              +   ]
              + },
            ]

      hk will perform these actions:

      Update in place (1):
        ~ hcloud_firewall.cluster [id=7]
            rules: [
                # (3 unchanged elements hidden)
              - {
              -   description:    ""
              -   destinationIps: []
              -   direction:      "in"
              -   port:           "22"
              -   protocol:       "tcp"
              -   sourceIps: [
              -     "0.0.0.0/0",
              -   ]
              - },
            ]

      Plan: 0 to add, 1 to change, 0 to destroy."
    `);
  });

  it("shows a changed element as removed and added, and unchanged runs between changes counted", () => {
    const after = [rules[0], rule("50000", "Talos API (apid)"), rules[2], rule("22", "ssh")];
    const text = formatPlan({ ...quietPlan(), drift: [{ address: "hcloud_firewall.cluster", kind: "changed", changes: [{ path: "rules", before: rules, after, forcesReplacement: false }] }] }, { color: false });
    const lines = text.split("\n");
    expect(lines.filter((l) => /^\s+[+-] \{|# \(/.test(l)).map((l) => l.trim())).toEqual(["# (1 unchanged element hidden)", "- {", "+ {", "# (1 unchanged element hidden)", "+ {"]);
    expect(lines.filter((l) => l.includes("Kubernetes API") || l.includes("trustd"))).toEqual([]);
  });
});

describe("renderPlan", () => {
  it("writes plain text to a pipe", async () => {
    const out = capture(false);
    await renderPlan(samplePlan(), { stdout: out.stream, color: false, tty: false });
    expect(out.text()).toBe(formatPlan(samplePlan(), { color: false }) + "\n");
  });

  it("renders through ink on a coloured terminal, with the same content at its width", async () => {
    const out = capture(true, 90);
    await renderPlan(samplePlan(), { stdout: out.stream, color: true, tty: true });
    const lines = stripVTControlCharacters(out.text()).split("\n").map((l) => l.trimEnd());
    expect(lines.join("\n")).toBe(formatPlan(samplePlan(), { color: false, width: 90 }) + "\n");
  });

  it("writes plain text to a terminal when colour is off", async () => {
    const out = capture(true, 80);
    await renderPlan(samplePlan(), { stdout: out.stream, color: false, tty: true });
    expect(out.text()).not.toContain(ESC);
    expect(out.text()).toBe(formatPlan(samplePlan(), { color: false, width: 80 }) + "\n");
  });
});
