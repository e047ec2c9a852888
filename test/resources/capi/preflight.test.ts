// The config checks of the plan and hk doctor: each fails on the matrix it is about and passes on
// the seed's own.
import { describe, expect, it } from "vitest";
import { clusterConfigSchema, type ClusterConfigInput } from "../../../src/config/schema.js";
import { configChecks } from "../../../src/resources/capi/preflight.js";

const findings = (input: ClusterConfigInput = {}) => configChecks(clusterConfigSchema.parse(input));
const failed = (input: ClusterConfigInput) => findings(input).filter((f) => !f.ok);

describe("config checks", () => {
  it("the seed's matrix passes all but the CACPPT warning and the load balancer note", () => {
    expect(failed({}).map((f) => f.check)).toEqual(["CACPPT rolling update", "load balancer exposure"]);
    expect(failed({}).every((f) => f.severity === "warning")).toBe(true);
  });

  it.each([
    ["CAPH v1.1.0", { versions: { caph: "v1.1.0" } }, "versions.caph v1.1.0: CAPH from v1.1.0 implements contract v1beta2"],
    ["CAAPH v0.5.1", { versions: { caaph: "v0.5.1" } }, "versions.caaph v0.5.1: CAAPH from v0.5.0 implements contract v1beta2"],
    ["Cluster API v1.11.0", { versions: { clusterApi: "v1.11.0" } }, "versions.clusterApi v1.11.0: hk drives the v1beta1 contract"],
  ] as const)("%s is refused as off the contract", (_name, input, message) => {
    const errors = failed(input).filter((f) => f.severity === "error");
    expect(errors.map((f) => f.message).join("\n")).toContain(message);
    expect(errors.every((f) => f.fix)).toBe(true);
  });

  it("CACPPT v0.5.13 passes the deadlock check", () => {
    expect(failed({ versions: { cacppt: "v0.5.13" } }).map((f) => f.check)).not.toContain("CACPPT rolling update");
  });

  it.each([
    ["v1.29.0 on Talos 1.12 is too old", { kubernetes: { version: "v1.29.0" } }, "choose kubernetes.version 1.30 or later"],
    ["v1.36.0 on Talos 1.12 is too new", { kubernetes: { version: "v1.36.0" } }, "raise talos.version"],
  ] as const)("%s", (_name, input, fix) => {
    const f = failed(input).find((x) => x.check === "Kubernetes on Talos");
    expect(f?.severity).toBe("error");
    expect(f?.fix).toContain(fix);
  });

  it("v1.35.0 on Talos 1.12 is supported", () => {
    expect(failed({ kubernetes: { version: "v1.35.0" } }).map((f) => f.check)).not.toContain("Kubernetes on Talos");
  });

  it("the load balancer note names the admin CIDRs it cannot enforce", () => {
    const f = failed({ firewall: { adminCidrs: ["203.0.113.0/24"] } }).find((x) => x.check === "load balancer exposure");
    expect(f?.message).toContain("203.0.113.0/24");
  });
});
