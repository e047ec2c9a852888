import { describe, expect, it } from "vitest";
import { clusterConfigSchema } from "../../src/config/schema.js";
import { configWarnings, etcdFailuresTolerated } from "../../src/config/warnings.js";

const withReplicas = (replicas: number) => clusterConfigSchema.parse({ controlPlane: { replicas } });

describe("config warnings", () => {
  it.each([
    [1, 0],
    [2, 0],
    [3, 1],
    [4, 1],
    [5, 2],
    [6, 2],
  ])("%i etcd members tolerate %i failures", (members, tolerated) => {
    expect(etcdFailuresTolerated(members)).toBe(tolerated);
  });

  it("warns about an even control plane, saying what quorum each count keeps", () => {
    expect(configWarnings(withReplicas(2))).toEqual([
      "controlPlane.replicas: 2 etcd members need 2 for quorum, so they tolerate no failure, no more than 1 would; use an odd count: 1 tolerates none, 3 tolerate 1, 5 tolerate 2",
    ]);
    expect(configWarnings(withReplicas(4))[0]).toMatch(/^controlPlane\.replicas: 4 etcd members need 3 for quorum, so they tolerate 1 failure, no more than 3 would;/);
  });

  it.each([1, 3, 5])("says nothing about %i replicas", (replicas) => {
    expect(configWarnings(withReplicas(replicas))).toEqual([]);
  });
});
