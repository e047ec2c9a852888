// What a valid config may still get wrong: said as warnings (plan, apply, validate), never refused.
import type { ClusterConfig } from "./schema.js";

/** Failures a cluster of `members` etcd members survives: the rest must keep a majority. */
export function etcdFailuresTolerated(members: number): number {
  return Math.floor((members - 1) / 2);
}

export function configWarnings(config: ClusterConfig): string[] {
  const out: string[] = [];
  const n = config.controlPlane.replicas;
  if (n % 2 === 0) {
    const t = etcdFailuresTolerated(n);
    const quorum = Math.floor(n / 2) + 1;
    out.push(
      `controlPlane.replicas: ${n} etcd members need ${quorum} for quorum, so they tolerate ${t === 0 ? "no failure" : `${t} failure${t === 1 ? "" : "s"}`}, no more than ${n - 1} would; ` +
        "use an odd count: 1 tolerates none, 3 tolerate 1, 5 tolerate 2",
    );
  }
  return out;
}
