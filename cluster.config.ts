// The cluster of seed 001: three cx33 control-plane nodes in Nuremberg running Talos, to be run by
// Cluster API. Every value shown is also hk's default; change what you need, and `hk validate`
// checks it (every problem named with its path).
//
// What hk makes from this today: the Talos snapshot (`talos`) and the cluster firewall
// (`firewall`), in `hcloud.location`. `kubernetes`, `controlPlane`, `network` and `versions` are
// for the resources still to come (kind bootstrap cluster, Cluster API, pivot, ArgoCD); the plan
// already prices what CAPH will create from `controlPlane`.
import { defineConfig } from "hkctl";

export default defineConfig({
  // Labels (caph-cluster-<name>=owned) and resource names derive from it: 1-32 of a-z 0-9 -.
  name: "k8s",
  // nbg1, fsn1, hel1 (eu-central), ash (us-east), hil (us-west), sin (ap-southeast). The network
  // zone follows from the location; given, it must match.
  hcloud: { location: "nbg1", networkZone: "eu-central" },
  talos: {
    version: "v1.12.2", // a change replaces the snapshot (the new one is built first)
    arch: "amd64", // or arm64 (built on a cax11)
    // Official Image Factory extensions; or give `schematicId: "<64 hex>"` to use a schematic of yours.
    extensions: ["siderolabs/qemu-guest-agent"],
    // Optional: imageFactory: "https://factory.talos.dev" (or a mirror), buildServerType: "cx23"
    // (the temporary server the image is written on), lifecycle: { protect: true } (refuse to
    // delete or replace the snapshot).
  },
  kubernetes: { version: "v1.32.2" },
  controlPlane: { replicas: 3, serverType: "cx33", loadBalancerType: "lb11" },
  // Worker pools, each a MachineDeployment of `replicas` servers named <name>-<pool>-xxxxx-xxxxx;
  // none by default (seed 001 runs its workloads on the control plane). A new serverType, label
  // or taint replaces the pool's servers one at a time; replicas only adds or removes servers.
  // Labels a node may not set itself (NodeRestriction) are refused, except node-role.kubernetes.io/*,
  // which Cluster API copies from the Machine.
  // workers: [
  //   { name: "general", serverType: "cx43", replicas: 2 },
  //   { name: "gpu", serverType: "ccx33", replicas: 1, labels: { "node-role.kubernetes.io/gpu": "" },
  //     taints: [{ key: "example.com/gpu", value: "true", effect: "NoSchedule" }] },
  // ],
  network: {
    cidr: "10.10.0.0/16",
    controlPlaneSubnet: "10.10.64.0/25", // must lie inside `cidr`
    pods: "10.10.128.0/17", // pods, services and the control plane must not overlap
    services: "10.10.96.0/20",
  },
  firewall: {
    // Kubernetes API (6443) and Talos API (50000) are reachable from these ranges only
    // (seed 001: private ranges, reached through a VPN). IPv4 or IPv6 CIDRs.
    adminCidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
    // Rules added after the defaults, e.g. HTTPS from anywhere:
    // extraRules: [{ description: "HTTPS", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"] }],
    // lifecycle: { protect: true },
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
