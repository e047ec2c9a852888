// The disk images the sandbox factory serves: small, deterministic raw images derived from
// schematic + version + arch (so a test can recompute what should land on a disk), compressed
// with the system xz into a real .raw.xz stream.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";

export type FactoryArch = "amd64" | "arm64";

/** Raw image size: 1 MiB, of which the first 64 KiB are content and the rest zero padding. */
const RAW_SIZE = 1024 * 1024;
const CONTENT_SIZE = 64 * 1024;

export function talosRawImage(schematic: string, version: string, arch: FactoryArch): Buffer {
  const raw = Buffer.alloc(RAW_SIZE);
  const header = `TALOS-SANDBOX-RAW-IMAGE\nschematic=${schematic}\nversion=${version}\narch=${arch}\nplatform=hcloud\n`;
  let at = raw.write(header, 0, "utf8");
  let block = createHash("sha256").update(header).digest();
  while (at < CONTENT_SIZE) {
    at += block.copy(raw, at);
    block = createHash("sha256").update(block).digest();
  }
  return raw;
}

const cache = new Map<string, Buffer>();

export function talosRawXz(schematic: string, version: string, arch: FactoryArch): Buffer {
  const key = `${schematic}/${version}/${arch}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = spawnSync("/usr/bin/xz", ["-z", "-c", "-6", "-T1", "--check=crc64"], { input: talosRawImage(schematic, version, arch), maxBuffer: 8 * RAW_SIZE });
  if (out.status !== 0) throw new Error(`xz failed: ${out.stderr.toString()}`);
  cache.set(key, out.stdout);
  return out.stdout;
}
