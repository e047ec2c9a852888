// Every route of the emulated API, in one table.
import { actionRoutes } from "./routes-actions.js";
import { catalogRoutes } from "./routes-catalog.js";
import { firewallRoutes } from "./routes-firewalls.js";
import { imageRoutes } from "./routes-images.js";
import { lbActionRoutes } from "./routes-lb-actions.js";
import { loadBalancerRoutes } from "./routes-load-balancers.js";
import { networkRoutes } from "./routes-networks.js";
import { placementGroupRoutes } from "./routes-placement-groups.js";
import { primaryIpRoutes } from "./primary-ips.js";
import { primaryIpActionRoutes } from "./routes-primary-ip-actions.js";
import type { Route } from "./router.js";
import { serverActionRoutes } from "./routes-server-actions.js";
import { serverRoutes } from "./routes-servers.js";
import { serverImageRoutes } from "./server-image.js";
import { sshKeyRoutes } from "./routes-ssh-keys.js";
import { volumeRoutes } from "./routes-volumes.js";

export const allRoutes: readonly Route[] = [
  ...actionRoutes,
  ...catalogRoutes,
  ...firewallRoutes,
  ...imageRoutes,
  ...loadBalancerRoutes,
  ...lbActionRoutes,
  ...networkRoutes,
  ...placementGroupRoutes,
  ...primaryIpRoutes,
  ...primaryIpActionRoutes,
  ...serverRoutes,
  ...serverActionRoutes,
  ...serverImageRoutes,
  ...sshKeyRoutes,
  ...volumeRoutes,
];
