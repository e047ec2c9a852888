// The SSH endpoint's host key: generated once per world and kept in it (0600), so a client that
// pinned it on first contact keeps trusting it across restarts.
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ed25519KeyPair } from "../../../lib/ed25519.js";

export const HOST_KEY_FILE = "ssh_host_ed25519_key";

export async function loadOrCreateHostKey(dir: string): Promise<string> {
  const path = join(dir, HOST_KEY_FILE);
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const key = ed25519KeyPair().privateKey;
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(key);
    await fh.sync();
    await fh.close();
    return key;
  } catch (err) {
    // Someone else created it first: theirs wins.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFile(path, "utf8");
    throw err;
  }
}
