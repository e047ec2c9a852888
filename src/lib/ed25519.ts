// A fresh ed25519 key pair in OpenSSH format that is known to parse back. ssh2's generator writes
// a malformed key about once in 250 (a 32-byte key whose first byte is zero comes out 31 bytes
// long), so a pair is only returned once both halves parse and match.
import ssh2 from "ssh2";

// ssh2 is CommonJS: Node's ESM loader only offers its default export.
const { utils } = ssh2;

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export function ed25519KeyPair(comment?: string): KeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519", comment === undefined ? {} : { comment });
    const pub = utils.parseKey(pair.public);
    const priv = utils.parseKey(pair.private);
    if (pub instanceof Error || priv instanceof Error || Array.isArray(pub) || Array.isArray(priv)) continue;
    if (!pub.getPublicSSH().equals(priv.getPublicSSH())) continue;
    return { publicKey: pair.public, privateKey: pair.private };
  }
  throw new Error("could not generate a well-formed ed25519 key pair");
}
