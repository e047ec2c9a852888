// Fixed catalog of the emulated cloud: locations, datacenters and system images. They never change
// and are not stored in the world file.
import { byIdOrName } from "./input.js";

export interface LocationDef {
  id: number;
  name: string;
  description: string;
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  network_zone: string;
}

export const LOCATIONS: readonly LocationDef[] = [
  { id: 1, name: "fsn1", description: "Falkenstein DC Park 1", country: "DE", city: "Falkenstein", latitude: 50.47612, longitude: 12.370071, network_zone: "eu-central" },
  { id: 2, name: "nbg1", description: "Nuremberg DC Park 1", country: "DE", city: "Nuremberg", latitude: 49.452102, longitude: 11.076665, network_zone: "eu-central" },
  { id: 3, name: "hel1", description: "Helsinki DC Park 1", country: "FI", city: "Helsinki", latitude: 60.169855, longitude: 24.938379, network_zone: "eu-central" },
  { id: 4, name: "ash", description: "Ashburn, VA", country: "US", city: "Ashburn, VA", latitude: 39.045821, longitude: -77.487073, network_zone: "us-east" },
  { id: 5, name: "hil", description: "Hillsboro, OR", country: "US", city: "Hillsboro, OR", latitude: 45.54222, longitude: -122.951924, network_zone: "us-west" },
  { id: 6, name: "sin", description: "Singapore", country: "SG", city: "Singapore", latitude: 1.283333, longitude: 103.833333, network_zone: "ap-southeast" },
];

export interface DatacenterDef {
  id: number;
  name: string;
  description: string;
  location: string;
}

export const DATACENTERS: readonly DatacenterDef[] = [
  { id: 2, name: "nbg1-dc3", description: "Nuremberg 1 virtual DC 3", location: "nbg1" },
  { id: 3, name: "hel1-dc2", description: "Helsinki 1 virtual DC 2", location: "hel1" },
  { id: 4, name: "fsn1-dc14", description: "Falkenstein 1 virtual DC 14", location: "fsn1" },
  { id: 5, name: "ash-dc1", description: "Ashburn virtual DC 1", location: "ash" },
  { id: 6, name: "hil-dc1", description: "Hillsboro virtual DC 1", location: "hil" },
  { id: 7, name: "sin-dc1", description: "Singapore virtual DC 1", location: "sin" },
];

export function locationByName(name: string): LocationDef | undefined {
  return LOCATIONS.find((l) => l.name === name);
}

/** A location by ID or name, as "ID or name" request fields give it. */
export function findLocation(ref: number | string): LocationDef | undefined {
  return byIdOrName(LOCATIONS, ref);
}

/** A datacenter by ID or name (the legacy `datacenter` request field). */
export function findDatacenter(ref: number | string): DatacenterDef | undefined {
  return byIdOrName(DATACENTERS, ref);
}

export function datacenterOf(location: string): DatacenterDef {
  const dc = DATACENTERS.find((d) => d.location === location);
  if (!dc) throw new Error(`no datacenter in ${location}`);
  return dc;
}

export interface SystemImageDef {
  id: number;
  name: string;
  description: string;
  os_flavor: string;
  os_version: string;
  architecture: "x86" | "arm";
  created: string;
}

function sys(id: number, name: string, description: string, arch: "x86" | "arm", created: string): SystemImageDef {
  const [flavor = "unknown", version = ""] = name.split("-");
  return { id, name, description, os_flavor: flavor, os_version: version, architecture: arch, created };
}

/** x86 images have the lower IDs, so old clients that take the first name match get x86. */
export const SYSTEM_IMAGES: readonly SystemImageDef[] = [
  sys(67794396, "ubuntu-22.04", "Ubuntu 22.04", "x86", "2022-04-21T13:32:38Z"),
  sys(114690387, "debian-12", "Debian 12", "x86", "2023-06-13T06:00:02Z"),
  sys(161547269, "ubuntu-24.04", "Ubuntu 24.04", "x86", "2024-04-25T09:00:00Z"),
  sys(202254913, "debian-13", "Debian 13", "x86", "2025-08-11T06:00:02Z"),
  sys(76766499, "rocky-9", "Rocky Linux 9", "x86", "2022-07-14T11:00:00Z"),
  sys(103907373, "ubuntu-22.04", "Ubuntu 22.04", "arm", "2022-04-21T13:32:38Z"),
  sys(114690389, "debian-12", "Debian 12", "arm", "2023-06-13T06:00:02Z"),
  sys(161547270, "ubuntu-24.04", "Ubuntu 24.04", "arm", "2024-04-25T09:00:00Z"),
  sys(202254914, "debian-13", "Debian 13", "arm", "2025-08-11T06:00:02Z"),
  sys(103908070, "rocky-9", "Rocky Linux 9", "arm", "2022-07-14T11:00:00Z"),
];

export function renderSystemImage(img: SystemImageDef): Record<string, unknown> {
  return {
    id: img.id,
    type: "system",
    status: "available",
    name: img.name,
    description: img.description,
    image_size: null,
    disk_size: 5,
    created: img.created,
    created_from: null,
    bound_to: null,
    os_flavor: img.os_flavor,
    os_version: img.os_version,
    rapid_deploy: true,
    protection: { delete: false },
    deprecated: null,
    deleted: null,
    labels: {},
    architecture: img.architecture,
  };
}

export function renderLocation(loc: LocationDef): Record<string, unknown> {
  return { ...loc };
}
