/**
 * go-plugin's automatic mutual TLS: the plugin makes a fresh self-signed certificate for every run,
 * serves with it, and requires Terraform's own certificate (PLUGIN_CLIENT_CERT) from the client.
 * Terraform pins the server certificate from the handshake line, so nothing here needs a CA.
 */
import { webcrypto } from "node:crypto";
// @peculiar/x509's dependency injector needs the Reflect metadata API before it loads.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  /** The raw DER, base64 without padding, as the handshake line carries it. */
  handshakeBase64: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export async function makeServerCertificate(now = new Date()): Promise<ServerCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString("hex"),
      name: "CN=localhost, O=exrec",
      // A little in the past, so that a clock a few minutes behind Terraform's still accepts it.
      notBefore: new Date(now.getTime() - 5 * 60_000),
      notAfter: new Date(now.getTime() + 24 * 3600_000),
      signingAlgorithm: ALGORITHM,
      keys: keys as never,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment |
            x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.clientAuth,
        ]),
        new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
      ],
    },
    // Node's global webcrypto, which @peculiar/x509 uses by default.
  );
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certPem: cert.toString("pem"),
    keyPem: pem("PRIVATE KEY", pkcs8),
    handshakeBase64: Buffer.from(cert.rawData).toString("base64").replace(/=+$/, ""),
  };
}
