// The config schema: values are checked for what they mean, not only for their shape.
import { describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../src/config/schema.js";

const problems = (config: unknown) => {
  const r = clusterConfigSchema.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("cluster config", () => {
  it("takes the seed cluster's defaults as they are", () => {
    expect(problems({})).toEqual([]);
  });

  it("refuses addresses and prefixes that do not exist, naming the field", () => {
    expect(problems({ firewall: { adminCidrs: ["999.0.0.0/8", "10.0.0.0/40", "2001:db8::/129", "203.0.113.0/24", "2001:db8::/32"] } })).toEqual([
      "firewall.adminCidrs.0: expected an admin address as a CIDR like 203.0.113.0/24 or 2001:db8::/32",
      "firewall.adminCidrs.1: expected an admin address as a CIDR like 203.0.113.0/24 or 2001:db8::/32",
      "firewall.adminCidrs.2: expected an admin address as a CIDR like 203.0.113.0/24 or 2001:db8::/32",
    ]);
    expect(problems({ network: { cidr: "10.10.0.0/33", pods: "999.1.1.1/16" } })).toEqual([
      "network.cidr: expected the network as an IPv4 CIDR like 10.0.0.0/16",
      "network.pods: expected the pod network as an IPv4 CIDR like 10.0.0.0/16",
    ]);
  });

  it("keeps the control plane inside the network and the pod, service and node ranges apart", () => {
    expect(problems({ network: { controlPlaneSubnet: "10.20.0.0/24" } })).toEqual(["network.controlPlaneSubnet: expected a subnet of the network 10.10.0.0/16"]);
    expect(problems({ network: { services: "10.10.128.0/20" } })).toEqual(["network.services: overlaps the pod network 10.10.128.0/17"]);
    expect(problems({ network: { pods: "10.10.64.0/18", services: "10.20.0.0/20" } })).toEqual(["network.pods: overlaps the control-plane subnet 10.10.64.0/25"]);
  });

  it("derives the network zone from the location, and refuses one that does not match", () => {
    expect(clusterConfigSchema.parse({ hcloud: { location: "ash" } }).hcloud.networkZone).toBe("us-east");
    expect(problems({ hcloud: { location: "ash", networkZone: "eu-central" } })).toEqual(["hcloud.networkZone: ash is in network zone us-east, not eu-central"]);
  });
});
