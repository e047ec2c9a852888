// The build's throwaway SSH key: always well-formed (ssh2's generator is not, about once in 250).
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { throwawayKeyPair } from "../../../src/resources/hcloud/rescue-ssh.js";

describe("throwaway key pair", () => {
  it("parses back, both halves, over many pairs", () => {
    for (let i = 0; i < 1_500; i++) {
      const pair = throwawayKeyPair("hk-talos-build-test");
      const pub = ssh2.utils.parseKey(pair.publicKey);
      const priv = ssh2.utils.parseKey(pair.privateKey);
      if (pub instanceof Error || priv instanceof Error || Array.isArray(pub) || Array.isArray(priv)) throw new Error(`malformed pair: ${pair.publicKey}`);
      expect(pub.getPublicSSH().length).toBe(51);
      expect(pub.getPublicSSH().equals(priv.getPublicSSH())).toBe(true);
    }
  });
});
