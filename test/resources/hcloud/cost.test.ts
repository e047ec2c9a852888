// Prices from the API's own price list (the sandbox's), for the plan's cost lines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError } from "../../../src/engine/errors.js";
import { pricing } from "../../../src/providers/hcloud/index.js";
import { monthlyLoadBalancer, monthlyServer, monthlySnapshot } from "../../../src/resources/hcloud/index.js";
import { sandboxEnv, type SandboxEnv } from "./sandbox-env.js";

let env: SandboxEnv;
beforeAll(async () => {
  env = await sandboxEnv();
});
afterAll(async () => {
  await env.close();
});

const gross = (prices: Array<{ location: string; price_monthly: { gross: string } }> | undefined, location: string) => Number(prices?.find((p) => p.location === location)?.price_monthly.gross);

describe("costs", () => {
  it("prices servers, load balancers and snapshots from GET /pricing, read once per client", async () => {
    const before = env.requests.length;
    const list = await pricing(env.client);
    expect(await monthlyServer(env.client, "cx33", "nbg1")).toEqual({ monthly: gross(list.server_types.find((t) => t.name === "cx33")?.prices, "nbg1"), currency: list.currency, what: "cx33 in nbg1" });
    expect((await monthlyLoadBalancer(env.client, "lb11", "nbg1")).monthly).toBe(gross(list.load_balancer_types.find((t) => t.name === "lb11")?.prices, "nbg1"));
    expect((await monthlySnapshot(env.client, 2.5)).monthly).toBeCloseTo(2.5 * Number(list.image.price_per_gb_month.gross), 4);
    expect(env.requests.slice(before).filter((r) => r.path === "/pricing")).toHaveLength(1);
  });

  it("says what is sold instead when a type or location is wrong", async () => {
    await expect(monthlyServer(env.client, "cx99", "nbg1")).rejects.toThrow(AbortError);
    const err = (await monthlyServer(env.client, "cx33", "nowhere").then(
      () => undefined,
      (e: unknown) => e,
    )) as AbortError;
    expect(err.message).toMatch(/cx33 is not sold in nowhere/);
    expect(err.next).toMatch(/nbg1/);
  });
});
