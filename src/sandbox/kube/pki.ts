// The PKI of one emulated cluster, as kind's kubeadm makes it: a CA, a serving certificate for
// the API server (loopback and the in-cluster names), the kubernetes-admin client certificate
// (O=system:masters) and a bearer token. PEM strings, so the world can keep it as JSON.
import { generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";

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

const generate = promisify(generateKeyPair);
const YEAR_MS = 365 * 24 * 3600 * 1000;

async function rsaKey(): Promise<{ privatePem: string; key: forge.pki.rsa.PrivateKey; pub: forge.pki.rsa.PublicKey }> {
  // Native key generation: forge's pure-JS RSA keygen takes seconds.
  const { privateKey, publicKey } = await generate("rsa", { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const pub = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  return { privatePem, key: forge.pki.privateKeyFromPem(privatePem), pub };
}

function baseCert(pub: forge.pki.rsa.PublicKey, subject: forge.pki.CertificateField[], issuer: forge.pki.CertificateField[], years: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  // A leading 01 keeps the serial positive (DER integers are signed).
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now + years * YEAR_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}

/** A new CA, server and admin client certificate for the cluster `name` (kind's node is NAME-control-plane). */
export async function makeClusterPki(name: string): Promise<ClusterPki> {
  const [ca, server, client] = await Promise.all([rsaKey(), rsaKey(), rsaKey()]);
  const caSubject = [{ name: "commonName", value: "kubernetes" }];

  const caCert = baseCert(ca.pub, caSubject, caSubject, 10);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.key, forge.md.sha256.create());

  const serverCert = baseCert(server.pub, [{ name: "commonName", value: "kube-apiserver" }], caSubject, 1);
  serverCert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
        { type: 2, value: `${name}-control-plane` },
        { type: 2, value: "kubernetes" },
        { type: 2, value: "kubernetes.default" },
        { type: 2, value: "kubernetes.default.svc" },
        { type: 2, value: "kubernetes.default.svc.cluster.local" },
      ],
    },
  ]);
  serverCert.sign(ca.key, forge.md.sha256.create());

  const clientCert = baseCert(client.pub, [{ name: "organizationName", value: "system:masters" }, { name: "commonName", value: "kubernetes-admin" }], caSubject, 1);
  clientCert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  clientCert.sign(ca.key, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(caCert),
    caKey: ca.privatePem,
    serverCert: forge.pki.certificateToPem(serverCert),
    serverKey: server.privatePem,
    clientCert: forge.pki.certificateToPem(clientCert),
    clientKey: client.privatePem,
    token: randomBytes(24).toString("hex"),
  };
}
