// Load balancer services and targets: request parsing with the API's defaults, and rendering with
// label-selector targets resolved to the servers they match right now.
import { invalidInput } from "./errors.js";
import { asObject, optBool, optInt, optObject } from "./input.js";
import { parseSelector } from "./labels.js";
import type { Project } from "./project.js";
import { serversMatching } from "./resolve.js";
import type { HealthCheckRec, LoadBalancerRec, ServerRec, ServiceRec, TargetRec } from "./world-types.js";

function healthCheck(raw: Record<string, unknown> | undefined, destination: number, prev?: HealthCheckRec): HealthCheckRec {
  const b = raw ?? {};
  const protocol = (b.protocol ?? prev?.protocol ?? "tcp") as string;
  if (protocol !== "tcp" && protocol !== "http") throw invalidInput({ "health_check.protocol": ["must be tcp or http"] });
  const httpIn = optObject(b, "http");
  const prevHttp = prev?.http ?? undefined;
  return {
    protocol,
    port: optInt(b, "port", { min: 1, max: 65535 }) ?? prev?.port ?? destination,
    interval: optInt(b, "interval", { min: 3, max: 60 }) ?? prev?.interval ?? 15,
    timeout: optInt(b, "timeout", { min: 1, max: 60 }) ?? prev?.timeout ?? 10,
    retries: optInt(b, "retries", { min: 1, max: 5 }) ?? prev?.retries ?? 3,
    http:
      protocol === "http"
        ? {
            domain: typeof httpIn?.domain === "string" ? httpIn.domain : (prevHttp?.domain ?? null),
            path: typeof httpIn?.path === "string" && httpIn.path !== "" ? httpIn.path : (prevHttp?.path ?? "/"),
            response: typeof httpIn?.response === "string" ? httpIn.response : (prevHttp?.response ?? ""),
            status_codes: Array.isArray(httpIn?.status_codes) ? httpIn.status_codes.map(String) : (prevHttp?.status_codes ?? ["2??", "3??"]),
            tls: typeof httpIn?.tls === "boolean" ? httpIn.tls : (prevHttp?.tls ?? false),
          }
        : null,
  };
}

/** Parses a service; with `prev` it is an update_service patch over the existing service. */
export function parseService(raw: unknown, prev?: ServiceRec): ServiceRec {
  const b = asObject(raw, "service");
  const protocol = (b.protocol ?? prev?.protocol) as string | undefined;
  if (protocol !== "tcp" && protocol !== "http" && protocol !== "https") throw invalidInput({ protocol: ["must be tcp, http or https"] });
  const defaultPort = protocol === "https" ? 443 : protocol === "http" ? 80 : undefined;
  const listen = optInt(b, "listen_port", { min: 1, max: 65535 }) ?? prev?.listen_port ?? defaultPort;
  const destination = optInt(b, "destination_port", { min: 1, max: 65535 }) ?? prev?.destination_port ?? (protocol === "tcp" ? undefined : 80);
  if (listen === undefined) throw invalidInput({ listen_port: ["is required for tcp services"] });
  if (destination === undefined) throw invalidInput({ destination_port: ["is required for tcp services"] });
  const h = optObject(b, "http");
  const ph = prev?.http ?? undefined;
  return {
    protocol,
    listen_port: listen,
    destination_port: destination,
    proxyprotocol: optBool(b, "proxyprotocol") ?? prev?.proxyprotocol ?? false,
    health_check: healthCheck(optObject(b, "health_check"), destination, prev?.health_check),
    http:
      protocol === "tcp"
        ? null
        : {
            cookie_name: typeof h?.cookie_name === "string" ? h.cookie_name : (ph?.cookie_name ?? "HCLBSTICKY"),
            cookie_lifetime: typeof h?.cookie_lifetime === "number" ? h.cookie_lifetime : (ph?.cookie_lifetime ?? 300),
            timeout_idle: typeof h?.timeout_idle === "number" ? h.timeout_idle : (ph?.timeout_idle ?? 60),
            certificates: Array.isArray(h?.certificates) ? h.certificates.map(Number) : (ph?.certificates ?? []),
            redirect_http: typeof h?.redirect_http === "boolean" ? h.redirect_http : (ph?.redirect_http ?? false),
            sticky_sessions: typeof h?.sticky_sessions === "boolean" ? h.sticky_sessions : (ph?.sticky_sessions ?? false),
          },
  };
}

export function parseTarget(raw: unknown): TargetRec {
  const b = asObject(raw, "target");
  const usePrivateIp = optBool(b, "use_private_ip") ?? false;
  if (b.type === "server") {
    const id = (b.server as { id?: unknown } | undefined)?.id;
    if (typeof id !== "number") throw invalidInput({ "server.id": ["is required"] });
    return { type: "server", server: id, usePrivateIp };
  }
  if (b.type === "label_selector") {
    const selector = (b.label_selector as { selector?: unknown } | undefined)?.selector;
    if (typeof selector !== "string" || selector === "") throw invalidInput({ "label_selector.selector": ["is required"] });
    parseSelector(selector, "label_selector.selector");
    return { type: "label_selector", selector, usePrivateIp };
  }
  if (b.type === "ip") {
    const ip = (b.ip as { ip?: unknown } | undefined)?.ip;
    if (typeof ip !== "string" || ip === "") throw invalidInput({ "ip.ip": ["is required"] });
    return { type: "ip", ip };
  }
  throw invalidInput({ type: ["must be server, label_selector or ip"] });
}

export function sameTarget(a: TargetRec, b: TargetRec): boolean {
  if (a.type === "server") return b.type === "server" && a.server === b.server;
  if (a.type === "label_selector") return b.type === "label_selector" && a.selector === b.selector;
  return b.type === "ip" && a.ip === b.ip;
}

function renderService(s: ServiceRec): Record<string, unknown> {
  const { http: hcHttp, ...hc } = s.health_check;
  return {
    protocol: s.protocol,
    listen_port: s.listen_port,
    destination_port: s.destination_port,
    proxyprotocol: s.proxyprotocol,
    health_check: hcHttp ? { ...hc, http: hcHttp } : hc,
    ...(s.http ? { http: s.http } : {}),
  };
}

function serverTarget(p: Project, lb: LoadBalancerRec, s: ServerRec, usePrivateIp: boolean): Record<string, unknown> {
  const net = usePrivateIp ? s.privateNet.find((n) => lb.privateNet.some((x) => x.network === n.network)) : undefined;
  const v4 = p.data.primaryIps.find((ip) => ip.id === s.ipv4);
  const status = s.status === "running" ? "healthy" : "unhealthy";
  return {
    type: "server",
    server: { id: s.id, ip: usePrivateIp ? (net?.ip ?? "") : (v4?.ip ?? "") },
    health_status: lb.services.map((svc) => ({ listen_port: svc.listen_port, status })),
    use_private_ip: usePrivateIp,
  };
}

export function renderParts(p: Project, lb: LoadBalancerRec): { services: unknown[]; targets: unknown[] } {
  const targets = lb.targets.map((t) => {
    if (t.type === "server") {
      const s = p.data.servers.find((x) => x.id === t.server);
      return s ? serverTarget(p, lb, s, t.usePrivateIp) : { type: "server", server: { id: t.server, ip: "" }, health_status: [], use_private_ip: t.usePrivateIp };
    }
    if (t.type === "label_selector") {
      return {
        type: "label_selector",
        label_selector: { selector: t.selector },
        targets: serversMatching(p, t.selector).map((s) => serverTarget(p, lb, s, t.usePrivateIp)),
        use_private_ip: t.usePrivateIp,
      };
    }
    return { type: "ip", ip: { ip: t.ip }, health_status: lb.services.map((svc) => ({ listen_port: svc.listen_port, status: "unknown" })) };
  });
  return { services: lb.services.map(renderService), targets };
}
