// The Cluster API side's costs, from the Hetzner emulator's price list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pricing } from "../../../src/providers/hcloud/index.js";
import { capiCostChange, capiServerCosts, type CapiCostSpec } from "../../../src/resources/capi/cost.js";
import { sandboxEnv, type SandboxEnv } from "../hcloud/sandbox-env.js";

let env: SandboxEnv;
beforeAll(async () => {
  env = await sandboxEnv();
});
afterAll(async () => {
  await env.close();
});

async function prices() {
  const list = await pricing(env.client);
  const at = (p: Array<{ location: string; price_monthly: { gross: string } }> | undefined) => Number(p?.find((x) => x.location === "nbg1")?.price_monthly.gross);
  return {
    server: (t: string) => at(list.server_types.find((x) => x.name === t)?.prices),
    lb: (t: string) => at(list.load_balancer_types.find((x) => x.name === t)?.prices),
    ipv4: at(list.primary_ips.find((p) => p.type === "ipv4")?.prices),
    currency: list.currency,
  };
}

const seed: CapiCostSpec = { location: "nbg1", controlPlane: { replicas: 3, serverType: "cx33" }, loadBalancerType: "lb11", workers: [] };
const withPools: CapiCostSpec = { ...seed, workers: [{ name: "gpu", serverType: "cx43", replicas: 2 }, { name: "idle", serverType: "cx53", replicas: 0 }] };

describe("Cluster API costs", () => {
  it("one figure for control plane, pools, their IPv4 and the load balancer, saying what it covers", async () => {
    const p = await prices();
    const cost = await capiServerCosts(env.client, withPools);
    expect(cost.what).toBe("CAPH: 3 × cx33, 2 × cx43 (pool gpu), 5 primary IPv4, lb11 in nbg1");
    expect(cost.currency).toBe(p.currency);
    expect(cost.monthly).toBeCloseTo(3 * p.server("cx33") + 2 * p.server("cx43") + 5 * p.ipv4 + p.lb("lb11"), 4);
    expect(cost.monthly).toBeGreaterThan(0);
  });

  it("a server type not sold is refused with what is", async () => {
    await expect(capiServerCosts(env.client, { ...seed, workers: [{ name: "x", serverType: "cx999", replicas: 1 }] })).rejects.toThrow('Hetzner Cloud has no server type "cx999"');
  });

  it("the difference of two specs in words and money", async () => {
    const p = await prices();
    const euro = (n: number) => `${n < 0 ? "−" : "+"}€${Math.abs(n).toFixed(2)}/month`;
    const added = await capiCostChange(env.client, seed, withPools);
    expect(added.lines).toEqual([`+2 × cx43 in pool gpu (${euro(2 * (p.server("cx43") + p.ipv4))})`]);
    expect(added.monthly).toBeCloseTo(2 * (p.server("cx43") + p.ipv4), 4);

    const resized = await capiCostChange(env.client, seed, { ...seed, controlPlane: { replicas: 3, serverType: "cx43" }, loadBalancerType: "lb21" });
    const d = 3 * (p.server("cx43") - p.server("cx33"));
    expect(resized.lines).toEqual([`control plane cx33 → cx43: 3 servers replaced one at a time (${euro(d)})`, `load balancer lb11 → lb21 (${euro(p.lb("lb21") - p.lb("lb11"))})`]);
    expect(resized.monthly).toBeCloseTo(d + p.lb("lb21") - p.lb("lb11"), 4);

    const removed = await capiCostChange(env.client, withPools, { ...seed, controlPlane: { replicas: 1, serverType: "cx33" } });
    expect(removed.lines).toEqual([`−2 × cx33 control plane (${euro(-2 * (p.server("cx33") + p.ipv4))})`, `−2 × cx43 in pool gpu (${euro(-2 * (p.server("cx43") + p.ipv4))})`]);
    expect(removed.monthly).toBeLessThan(0);
  });
});
