// What finishing an action does to the world. Booting is where rescue mode takes hold: a server
// with rescue enabled boots into the rescue system (reachable over the emulator's SSH endpoint with
// the rescue keys) and rescue_enabled clears, as the API documents.
import type { Project } from "./project.js";
import type { Effect, ServerRec } from "./world-types.js";

export function applyEffect(project: Project, e: Effect): void {
  const d = project.data;
  switch (e.kind) {
    case "server_status": {
      const s = d.servers.find((x) => x.id === e.server);
      if (!s) return;
      s.status = e.status;
      if (e.boot) boot(project, s);
      if (e.status === "off") s.inRescue = null;
      return;
    }
    case "image_ready": {
      const img = d.images.find((x) => x.id === e.image);
      if (img) img.status = "available";
      return;
    }
    case "volume_ready": {
      const v = d.volumes.find((x) => x.id === e.volume);
      if (v) v.status = "available";
      return;
    }
  }
}

function boot(project: Project, s: ServerRec): void {
  if (s.rescue) {
    s.inRescue = { keys: s.rescue.keys, bootedAt: project.now() };
    s.rescue = null;
  } else {
    s.inRescue = null;
  }
}

/** Drops a deleted server and what lives and dies with it (auto-delete primary IPs, backups). */
export function removeServer(project: Project, id: number): void {
  const d = project.data;
  d.servers = d.servers.filter((s) => s.id !== id);
  d.primaryIps = d.primaryIps.filter((ip) => !(ip.assignee === id && ip.autoDelete));
  for (const ip of d.primaryIps) if (ip.assignee === id) ip.assignee = null;
  for (const v of d.volumes) if (v.server === id) v.server = null;
  d.images = d.images.filter((img) => img.boundTo !== id);
  for (const lb of d.loadBalancers) lb.targets = lb.targets.filter((t) => !(t.type === "server" && t.server === id));
  for (const fw of d.firewalls) fw.applyTo = fw.applyTo.filter((a) => !(a.type === "server" && a.server === id));
}
