/**
 * A self-signed certificate for the sandbox's HTTPS, made at start (official clients such as
 * node-ovh speak only HTTPS). It names loopback and the host the sandbox listens on; a client
 * trusts it by its PEM (`Sandbox.certificate`), never by turning verification off.
 */
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";

export interface TlsMaterial {
  /** PEM of the certificate (what a client trusts). */
  cert: string;
  /** PEM of the private key (PKCS #8); stays in the process. */
  key: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const VALID_DAYS = 30;

export async function selfSignedCertificate(host: string): Promise<TlsMaterial> {
  // Loaded only when HTTPS is asked; its dependency injector needs the Reflect metadata API first.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const crypto = webcrypto;
  // @peculiar/x509 is typed against the DOM's Crypto; node's webcrypto is that API.
  x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const names = new Map<string, "ip" | "dns">([
    ["127.0.0.1", "ip"],
    ["::1", "ip"],
    ["localhost", "dns"],
  ]);
  if (host !== "" && host !== "0.0.0.0" && host !== "::") names.set(host, isIP(host) ? "ip" : "dns");
  const now = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex"),
    name: "CN=exrec sandbox",
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + VALID_DAYS * 86_400_000),
    keys: keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names].map(([value, type]) => ({ type, value }))),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    cert: certificate.toString("pem"),
    key: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
  };
}
