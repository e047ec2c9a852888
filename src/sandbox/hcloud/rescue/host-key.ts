// The SSH endpoint's host key: generated once per world and kept in it (0600), so a client that
// pinned it on first contact keeps trusting it across restarts.
import { readFile } from "node:fs/promises";
import { open } from "node:fs/promises";
import { join } from "node:path";
import ssh2 from "ssh2";

// ssh2 is CommonJS: Node's ESM loader only offers its default export.
const { utils } = ssh2;

export const HOST_KEY_FILE = "ssh_host_ed25519_key";

export async function loadOrCreateHostKey(dir: string): Promise<string> {
  const path = join(dir, HOST_KEY_FILE);
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const pair = utils.generateKeyPairSync("ed25519");
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(pair.private);
    await fh.sync();
    await fh.close();
    return pair.private;
  } catch (err) {
    // Someone else created it first: theirs wins.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFile(path, "utf8");
    throw err;
  }
}
