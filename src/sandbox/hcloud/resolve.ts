// Relations computed from the records on every read, so label-selector matches follow label changes
// at once: which servers a selector picks, which firewalls guard a server, which LBs target it.
import { selectorMatches } from "./labels.js";
import type { Project } from "./project.js";
import type { FirewallRec, LoadBalancerRec, ServerRec } from "./world-types.js";

/** Servers a label selector picks. */
export function serversMatching(p: Project, selector: string): ServerRec[] {
  return p.data.servers.filter((s) => selectorMatches(selector, s.labels));
}

export function firewallAppliesTo(fw: FirewallRec, s: ServerRec): boolean {
  return fw.applyTo.some((a) => (a.type === "server" ? a.server === s.id : selectorMatches(a.selector, s.labels)));
}

/** A server's firewalls with status "pending" until the server exists or the apply action finished. */
export function firewallsOfServer(p: Project, s: ServerRec): { id: number; status: "applied" | "pending" }[] {
  return p.data.firewalls
    .filter((fw) => firewallAppliesTo(fw, s))
    .map((fw) => {
      const applying = p.data.actions.some(
        (a) =>
          a.status === "running" &&
          a.command === "apply_firewall" &&
          a.resources.some((r) => r.type === "firewall" && r.id === fw.id) &&
          a.resources.some((r) => r.type === "server" && r.id === s.id),
      );
      return { id: fw.id, status: applying || s.status === "initializing" ? "pending" : "applied" };
    });
}

export function loadBalancerTargetsServer(lb: LoadBalancerRec, s: ServerRec): boolean {
  return lb.targets.some((t) =>
    t.type === "server" ? t.server === s.id : t.type === "label_selector" && selectorMatches(t.selector, s.labels),
  );
}

export function loadBalancersOfServer(p: Project, s: ServerRec): number[] {
  return p.data.loadBalancers.filter((lb) => loadBalancerTargetsServer(lb, s)).map((lb) => lb.id);
}

export function serversInPlacementGroup(p: Project, id: number): ServerRec[] {
  return p.data.servers.filter((s) => s.placementGroup === id);
}
