// The cluster of seed 001: three cx33 control-plane nodes in Nuremberg running Talos, managed by
// Cluster API. Every value shown here is also hk's default; change what you need.
import { defineConfig } from "hkctl";

export default defineConfig({
  name: "k8s",
  hcloud: { location: "nbg1", networkZone: "eu-central" },
  talos: {
    version: "v1.12.2",
    arch: "amd64",
    extensions: ["siderolabs/qemu-guest-agent"],
  },
  kubernetes: { version: "v1.32.2" },
  controlPlane: { replicas: 3, serverType: "cx33", loadBalancerType: "lb11" },
  network: {
    cidr: "10.10.0.0/16",
    controlPlaneSubnet: "10.10.64.0/25",
    pods: "10.10.128.0/17",
    services: "10.10.96.0/20",
  },
  firewall: {
    // Kubernetes API (6443) and Talos API (50000) are reachable from these ranges only
    // (seed 001: private ranges, reached through a VPN).
    adminCidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
  },
  versions: {
    clusterApi: "v1.10.10",
    caph: "v1.0.7",
    cabpt: "v0.6.11",
    cacppt: "v0.5.12",
    caaph: "v0.4.2",
    cilium: "1.18.6",
    hcloudCcm: "1.29.2",
    talosCcm: "0.5.4",
  },
});
