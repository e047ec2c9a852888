// The PKI of one emulated cluster, as kind's kubeadm makes it: a CA, a serving certificate for
// the API server (loopback and the in-cluster names), the kubernetes-admin client certificate
// (O=system:masters) and a bearer token. PEM strings, so the world can keep it as JSON.
// ECDSA P-256 keys: generated in a millisecond where RSA 2048 takes seconds on a loaded machine;
// Go's TLS (kubectl, helm) and OpenSSL (Node, client-node) accept them.
import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

export interface ClusterPki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Accepted as `Authorization: Bearer <token>` besides the client certificate. */
  token: string;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const YEAR_MS = 365 * 24 * 3600 * 1000;
const { KeyUsageFlags: KU } = x509;

type KeyPair = webcrypto.CryptoKeyPair;

async function keyPair(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as KeyPair;
}

async function privatePem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

function validity(years: number): { serialNumber: string; notBefore: Date; notAfter: Date } {
  const now = Date.now();
  // A leading 01 keeps the serial positive (DER integers are signed).
  return { serialNumber: `01${randomBytes(15).toString("hex")}`, notBefore: new Date(now - 5 * 60 * 1000), notAfter: new Date(now + years * YEAR_MS) };
}

/** A new CA, server and admin client certificate for the cluster `name` (kind's node is NAME-control-plane). */
export async function makeClusterPki(name: string): Promise<ClusterPki> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const [ca, server, client] = await Promise.all([keyPair(), keyPair(), keyPair()]);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    ...validity(10),
    name: "CN=kubernetes",
    signingAlgorithm: ALG,
    keys: ca,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(KU.keyCertSign | KU.digitalSignature | KU.keyEncipherment, true),
      await x509.SubjectKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  const issued = async (subject: string, pair: KeyPair, extensions: x509.Extension[]) =>
    x509.X509CertificateGenerator.create({
      ...validity(1),
      subject,
      issuer: caCert.subject,
      signingAlgorithm: ALG,
      publicKey: pair.publicKey,
      signingKey: ca.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(KU.digitalSignature | KU.keyEncipherment, true),
        await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
        ...extensions,
      ],
    });
  const dns = ["localhost", `${name}-control-plane`, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
  const serverCert = await issued("CN=kube-apiserver", server, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }, ...dns.map((value) => ({ type: "dns" as const, value }))]),
  ]);
  const clientCert = await issued("O=system:masters, CN=kubernetes-admin", client, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
  return {
    caCert: caCert.toString("pem"),
    caKey: await privatePem(ca.privateKey),
    serverCert: serverCert.toString("pem"),
    serverKey: await privatePem(server.privateKey),
    clientCert: clientCert.toString("pem"),
    clientKey: await privatePem(client.privateKey),
    token: randomBytes(24).toString("hex"),
  };
}
